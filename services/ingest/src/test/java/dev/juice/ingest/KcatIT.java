package dev.juice.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.juice.avro.Demonstration;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A non-Java client (Debian's kcat, librdkafka) writes raw JSON; it arrives validated as Avro. */
class KcatIT {
  @TempDir Path tmp;

  static String kcat() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("kcat", "kafkacat")) {
        if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  @Test
  void jsonWrittenByKcatArrivesValidated() throws Exception {
    String kcat = kcat();
    assumeTrue(kcat != null, "kcat is not installed (apt-get install -y kcat); skipping the non-Java client test");
    try (Harness h = new Harness("kcat", 1);
         IngestService ingest = IngestService.start(h.ingestConfig(tmp.resolve("state")), Duration.ofMinutes(1))) {
      Path input = tmp.resolve("in.jsonl");
      Files.writeString(input, String.join("\n",
          "{\"prompt\":\"The pasta\",\"response\":\"was delicious.\"}",
          "{\"prompt\":\"The pasta\",\"response\":\"was delicious.\"}",
          "{\"prompt\":\"Service\",\"response\":\"was friendly and fast.\",\"source\":\"kcat\"}",
          "{\"prompt\":\"broken\"") + "\n", StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(kcat, "-P", "-b", h.kafka.bootstrapServers(), "-t",
          h.topics.demonstrationsRaw().name(), "-l", input.toString()).redirectErrorStream(true).start();
      assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), "kcat finished");
      assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      Harness.await("ingest to consume kcat's records", Duration.ofSeconds(60),
          () -> h.caughtUp(h.topics.names().groupId("ingest"), List.of(h.topics.demonstrationsRaw().name())));
      List<ConsumerRecord<String, Demonstration>> out = h.readAll(h.topics.demonstrations().name(),
          new StringDeserializer(), h.topics.demonstrations().valueSerde().deserializer());
      assertEquals(2, out.size());
      assertEquals("kcat", out.get(1).value().getSource());
      assertEquals(1, h.readAll(h.topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer()).size());
    }
  }
}
