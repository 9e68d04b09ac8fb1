package dev.juice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch native library loads from the Maven Central jar with offline mode on, an empty cache
 * directory and every proxy pointing at a closed port: nothing is downloaded at run time.
 */
class EngineOfflineTest {
  @TempDir Path cache;

  @Test
  void engineStartsOfflineFromAnEmptyCache() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true",
        "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
        "-cp", System.getProperty("java.class.path"), EngineCheck.class.getName())
        .redirectErrorStream(true);
    pb.environment().put("DJL_CACHE_DIR", cache.toString());
    pb.environment().put("ENGINE_CACHE_DIR", cache.toString());
    pb.environment().put("https_proxy", "http://127.0.0.1:9");
    pb.environment().put("http_proxy", "http://127.0.0.1:9");
    pb.environment().remove("PYTORCH_VERSION");
    pb.environment().remove("PYTORCH_FLAVOR");
    pb.environment().remove("PYTORCH_LIBRARY_PATH");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "engine check finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("engine=PyTorch"), out);
    assertTrue(out.contains("result=[7.0, 10.0, 15.0, 22.0]"), out);
    try (Stream<Path> files = Files.walk(cache)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("libtorch")),
          "the native library was extracted from the jar into the empty cache");
    }
  }
}
