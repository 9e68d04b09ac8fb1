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
 */
public record RewardTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, Duration awaitInputs,
    int minPreferences, int serLoops) {
  public static RewardTrainerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new RewardTrainerConfig(run, KafkaSettings.fromEnv(env), PipelineEnv.fromEnv(env),
        env.duration("JUICE_AWAIT_INPUTS", Duration.ofMinutes(30)), env.integer("JUICE_MIN_PREFERENCES", 1),
        env.integer("JUICE_SER_LOOPS", 5));
  }
}
