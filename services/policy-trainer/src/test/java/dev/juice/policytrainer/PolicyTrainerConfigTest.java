package dev.juice.policytrainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.common.config.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTrainerConfigTest {
  @TempDir Path dir;

  private static PolicyTrainerConfig with(String base) {
    Map<String, String> env = new HashMap<>(Map.of("JUICE_BOOTSTRAP", "localhost:9092", "JUICE_REGISTRY", "http://localhost:8081"));
    if (base != null) env.put("JUICE_BASE", base);
    return PolicyTrainerConfig.fromEnv(env);
  }

  @Test
  void theBaseIsTheBundledEnglishModelUnlessToldOtherwise() {
    assertEquals(PolicyTrainerConfig.BUNDLED, with(null).base());
    assertFalse(with(null).awaitBase());
    assertTrue(with("await").awaitBase());
    assertEquals("pretrain", with("pretrain").base());
    assertEquals(dir.toString(), with(dir.toString()).base(), "a checkpoint directory");
  }

  @Test
  void anythingElseIsRefusedAtStartWithTheVariableNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> with(dir.resolve("missing").toString()));
    assertTrue(e.getMessage().contains("JUICE_BASE") && e.getMessage().contains("no such directory"), e.getMessage());
    assertThrows(ConfigException.class, () -> with("Await"));
  }

  @Test
  void moreSamplesPerPromptThanASamplerServesIsRefusedAtStart() {
    Map<String, String> env = new HashMap<>(Map.of("JUICE_BOOTSTRAP", "localhost:9092", "JUICE_REGISTRY", "http://localhost:8081",
        "JUICE_ALGORITHM", "rft", "JUICE_SAMPLES_PER_PROMPT", "65"));
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyTrainerConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("JUICE_MAX_SAMPLES_PER_REQUEST 64"), e.getMessage());
    env.put("JUICE_MAX_SAMPLES_PER_REQUEST", "65"); // raised on samplers and trainer together
    assertEquals(65, PolicyTrainerConfig.fromEnv(env).pipeline().samplesPerPrompt());
  }
}
