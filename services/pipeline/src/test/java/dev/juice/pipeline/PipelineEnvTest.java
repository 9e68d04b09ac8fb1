package dev.juice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.juice.common.config.Env;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineEnvTest {
  @Test
  void everyFieldSurvivesTheTripThroughEnvironmentVariables() {
    PipelineConfig c = PipelineConfig.defaults(Algorithm.RFT, 42).withStages(3).withIterations(2).withBeta(0.25)
        .withSamplesPerPrompt(4).withMaxNewTokens(33).withMaxStaleness(1).withKl(0.2)
        .withTraining(new TrainConfig(3, 8, 2e-4f, 0f, 1f, 42), new TrainConfig(2, 12, 5e-5f, 0f, 1f, 42).withWarmup(0.1),
            new TrainConfig(4, 10, 3e-4f, 0f, 1f, 42));
    assertEquals(c, PipelineEnv.fromEnv(new Env(PipelineEnv.toEnv(c))));
    assertEquals(c, PipelineEnv.fromManifest(PipelineEnv.toManifest(c)).orElseThrow(), "and through manifest metrics");
    assertEquals(java.util.Optional.empty(), PipelineEnv.fromManifest(Map.of("loss", 1.0)));
  }

  @Test
  void defaultsFollowTheAlgorithm() {
    PipelineConfig spin = PipelineEnv.fromEnv(new Env(Map.of("JUICE_ALGORITHM", "spin")));
    assertEquals(1, spin.stages());
    assertEquals(2, spin.iterations());
    PipelineConfig irft = PipelineEnv.fromEnv(new Env(Map.of()));
    assertEquals(Algorithm.IRFT, irft.algorithm());
    assertEquals(5, irft.stages());
    assertEquals(0.1, irft.beta());
    assertEquals(0, irft.maxStaleness());
  }

  @Test
  void badValuesAreRefusedWithTheirName() {
    var e = assertThrows(IllegalArgumentException.class, () -> PipelineEnv.fromEnv(new Env(Map.of("JUICE_ALGORITHM", "ppo"))));
    assertEquals("unknown algorithm 'ppo' (expected sft, spin, irft, rft or ser-rft)", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PipelineEnv.fromEnv(new Env(Map.of("JUICE_ALGORITHM", "rft", "JUICE_SAMPLES_PER_PROMPT", "1"))));
  }
}
