package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.policytrainer.PolicyTrainerService;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** User story 3: `juice replay` trains new runs from a recorded run's topics without touching it. */
class ReplayIT {
  @TempDir Path tmp;

  private static String juice(String... args) {
    return Cli.juice(args);
  }

  private static String sha(String out) {
    Matcher m = Pattern.compile("sha256 ([0-9a-f]{64})").matcher(out);
    assertTrue(m.find(), out);
    return m.group(1);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void replaysAreReproducibleAndReusingSamplesReproducesTheRecordedRun() throws Exception {
    Path data = tmp.resolve("stack");
    PipelineConfig c = PipelineFixture.tiny(Algorithm.IRFT, 2, 41);
    String recordedSha;
    long recordedEnd;
    try (LocalStack stack = LocalStack.start(data, 0, 0, "a", 2)) {
      PipelineFixture.ingest(stack, PipelineFixture.demos(32), tmp.resolve("s"));
      try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), "a", c, 1, 0, Progress.NONE)) {
        PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), "a", c, "tiny", false),
            Progress.NONE, PolicyTrainerService.Listener.NONE);
        recordedSha = r.sha256();
      }
      recordedEnd = PipelineFixture.samples(stack).size();
    }
    String d = data.toString();
    String b = sha(juice("replay", "--from-run", "a", "--run", "b", "--data-dir", d, "--partitions", "2"));
    String c2 = sha(juice("replay", "--from-run", "a", "--run", "c", "--data-dir", d, "--partitions", "3"));
    assertEquals(b, c2, "same recorded inputs and seed, regenerated samples: the same weights");
    String reused = juice("replay", "--from-run", "a", "--run", "d", "--reuse-samples", "--data-dir", d, "--partitions", "2");
    assertTrue(reused.contains("reusing 32 recorded requests, 32 samples"), reused);
    assertEquals(recordedSha, sha(reused), "the recorded run's own samples and settings: its exact weights");
    String other = juice("replay", "--from-run", "a", "--run", "e", "--beta", "0.5", "--data-dir", d, "--partitions", "2");
    assertTrue(other.contains("JUICE_BETA=0.5"), other);
    assertNotEquals(b, sha(other), "another beta trains other weights");
    try (LocalStack stack = LocalStack.start(data, 0, 0, "a", 2)) {
      assertEquals(recordedEnd, PipelineFixture.samples(stack).size(), "run a untouched");
    }
  }
}
