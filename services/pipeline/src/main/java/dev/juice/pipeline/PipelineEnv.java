package dev.juice.pipeline;

import dev.juice.common.config.Env;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's {@link PipelineConfig} from environment variables, the papers' defaults for the chosen
 * algorithm where a variable is absent. The policy-trainer and reward-trainer of one run must see the
 * same values (the launcher passes the same map to both).
 */
public final class PipelineEnv {
  private PipelineEnv() {}

  /** Samplers dead-letter requests asking for more continuations than this; the policy-trainer refuses to start with more. */
  public static final String MAX_SAMPLES_PER_REQUEST = "JUICE_MAX_SAMPLES_PER_REQUEST";
  public static final int DEFAULT_MAX_SAMPLES_PER_REQUEST = 64;

  /** Variables read, for help texts and the README. */
  public static final String VARIABLES = "JUICE_ALGORITHM (sft|spin|irft|rft, default irft), JUICE_SEED, JUICE_BETA, "
      + "JUICE_STAGES, JUICE_ITERATIONS, JUICE_SAMPLES_PER_PROMPT, JUICE_MAX_NEW_TOKENS, JUICE_TEMPERATURE, "
      + "JUICE_MAX_STALENESS, JUICE_KL, JUICE_SFT_EPOCHS, JUICE_SFT_LR, JUICE_POLICY_EPOCHS, JUICE_POLICY_LR, "
      + "JUICE_POLICY_WARMUP, JUICE_REWARD_EPOCHS, JUICE_REWARD_LR, JUICE_BATCH, JUICE_SFT_BATCH, JUICE_REWARD_BATCH, JUICE_HINGE, JUICE_CENTERING";

  /** The variables that make {@link #fromEnv} return {@code c} (for services started as child processes). */
  public static Map<String, String> toEnv(PipelineConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("JUICE_ALGORITHM", c.algorithm().label());
    m.put("JUICE_SEED", Long.toString(c.seed()));
    m.put("JUICE_BETA", Double.toString(c.beta()));
    m.put("JUICE_HINGE", Boolean.toString(c.hinge()));
    m.put("JUICE_STAGES", Integer.toString(c.stages()));
    m.put("JUICE_ITERATIONS", Integer.toString(c.iterations()));
    m.put("JUICE_SAMPLES_PER_PROMPT", Integer.toString(c.samplesPerPrompt()));
    m.put("JUICE_MAX_NEW_TOKENS", Integer.toString(c.maxNewTokens()));
    m.put("JUICE_TEMPERATURE", Float.toString(c.temperature()));
    m.put("JUICE_MAX_STALENESS", Integer.toString(c.maxStaleness()));
    m.put("JUICE_KL", Double.toString(c.klCoef()));
    m.put("JUICE_CENTERING", Double.toString(c.centering()));
    m.put("JUICE_SFT_EPOCHS", Integer.toString(c.sft().epochs()));
    m.put("JUICE_SFT_BATCH", Integer.toString(c.sft().batchSize()));
    m.put("JUICE_SFT_LR", Float.toString(c.sft().learningRate()));
    m.put("JUICE_POLICY_EPOCHS", Integer.toString(c.policy().epochs()));
    m.put("JUICE_POLICY_LR", Float.toString(c.policy().learningRate()));
    m.put("JUICE_POLICY_WARMUP", Double.toString(c.policy().warmupShare()));
    m.put("JUICE_BATCH", Integer.toString(c.policy().batchSize()));
    m.put("JUICE_REWARD_EPOCHS", Integer.toString(c.reward().epochs()));
    m.put("JUICE_REWARD_LR", Float.toString(c.reward().learningRate()));
    m.put("JUICE_REWARD_BATCH", Integer.toString(c.reward().batchSize()));
    return m;
  }

  /**
   * The configuration as manifest metrics ({@code cfg.<VARIABLE>}), so every policy version says how
   * it was trained and a replay can start from the recorded run's settings.
   */
  public static Map<String, Double> toManifest(PipelineConfig c) {
    Map<String, Double> m = new LinkedHashMap<>();
    toEnv(c).forEach((k, v) -> {
      switch (k) {
        case "JUICE_ALGORITHM" -> m.put("cfg." + k, (double) c.algorithm().ordinal());
        case "JUICE_HINGE" -> m.put("cfg." + k, c.hinge() ? 1.0 : 0.0);
        default -> m.put("cfg." + k, Double.parseDouble(v));
      }
    });
    return m;
  }

  /** Inverse of {@link #toManifest}; empty when the manifest carries no configuration. */
  public static java.util.Optional<PipelineConfig> fromManifest(Map<String, Double> metrics) {
    if (!metrics.containsKey("cfg.JUICE_ALGORITHM")) return java.util.Optional.empty();
    Map<String, String> env = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (!k.startsWith("cfg.")) return;
      String name = k.substring(4);
      switch (name) {
        case "JUICE_ALGORITHM" -> env.put(name, Algorithm.values()[v.intValue()].label());
        case "JUICE_HINGE" -> env.put(name, Boolean.toString(v >= 1));
        default -> env.put(name, v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : Double.toString(v));
      }
    });
    return java.util.Optional.of(fromEnv(new Env(env)));
  }

  public static PipelineConfig fromEnv(Env env) {
    Algorithm a = Algorithm.parse(env.string("JUICE_ALGORITHM", "irft"));
    long seed = env.longValue("JUICE_SEED", 1);
    PipelineConfig d = PipelineConfig.defaults(a, seed);
    int batch = env.integer("JUICE_BATCH", d.policy().batchSize());
    TrainConfig sft = new TrainConfig(env.integer("JUICE_SFT_EPOCHS", d.sft().epochs()), env.integer("JUICE_SFT_BATCH", d.sft().batchSize()),
        (float) env.decimal("JUICE_SFT_LR", d.sft().learningRate()), d.sft().weightDecay(), d.sft().clipNorm(), seed);
    TrainConfig policy = new TrainConfig(env.integer("JUICE_POLICY_EPOCHS", d.policy().epochs()), batch,
        (float) env.decimal("JUICE_POLICY_LR", d.policy().learningRate()), d.policy().weightDecay(), d.policy().clipNorm(), seed,
        env.decimal("JUICE_POLICY_WARMUP", d.policy().warmupShare()));
    TrainConfig reward = new TrainConfig(env.integer("JUICE_REWARD_EPOCHS", d.reward().epochs()), env.integer("JUICE_REWARD_BATCH", batch),
        (float) env.decimal("JUICE_REWARD_LR", d.reward().learningRate()), d.reward().weightDecay(), d.reward().clipNorm(), seed);
    return new PipelineConfig(a, seed, env.decimal("JUICE_BETA", d.beta()), env.bool("JUICE_HINGE", false),
        env.integer("JUICE_STAGES", d.stages()), env.integer("JUICE_ITERATIONS", d.iterations()),
        env.integer("JUICE_SAMPLES_PER_PROMPT", d.samplesPerPrompt()), env.integer("JUICE_MAX_NEW_TOKENS", d.maxNewTokens()),
        (float) env.decimal("JUICE_TEMPERATURE", d.temperature()), sft, policy, reward,
        env.decimal("JUICE_KL", d.klCoef()), env.decimal("JUICE_CENTERING", d.centering()), env.integer("JUICE_MAX_STALENESS", 0));
  }
}
