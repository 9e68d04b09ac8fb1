package dev.juice.rewardtrainer;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of a run's reward-trainer.
 *
 * @param run experiment namespace (JUICE_RUN)
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param pipeline the run's algorithm and hyper-parameters — the same values the policy-trainer sees
 * @param awaitInputs how long a round may wait for its samples, and SER for its pairs (JUICE_AWAIT_INPUTS, default 30m)
 * @param minPreferences SER-RFT: pairs to wait for on the preferences topic before SER starts
 *     (JUICE_MIN_PREFERENCES, default 1; everything committed by then is used)
 * @param serLoops SER-RFT: self-labelling loop limit (JUICE_SER_LOOPS, default 5)
 * @param serHoldout SER-RFT: share of the human-labelled pairs kept out of training to measure the RM's
 *     accuracy on (JUICE_SER_HOLDOUT, default 0.2; 0 trains on all of them and reports no accuracy)
 */
public record RewardTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, Duration awaitInputs,
    int minPreferences, int serLoops, double serHoldout) {
  /** Everything but the held-out share, which takes its default. */
  public RewardTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, Duration awaitInputs,
      int minPreferences, int serLoops) {
    this(run, kafka, pipeline, awaitInputs, minPreferences, serLoops, DEFAULT_SER_HOLDOUT);
  }

  public static final double DEFAULT_SER_HOLDOUT = 0.2;

  public static RewardTrainerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new RewardTrainerConfig(run, KafkaSettings.fromEnv(env), PipelineEnv.fromEnv(env),
        env.duration("JUICE_AWAIT_INPUTS", Duration.ofMinutes(30)), env.integer("JUICE_MIN_PREFERENCES", 1),
        env.integer("JUICE_SER_LOOPS", 5), env.decimal("JUICE_SER_HOLDOUT", DEFAULT_SER_HOLDOUT));
  }
}
