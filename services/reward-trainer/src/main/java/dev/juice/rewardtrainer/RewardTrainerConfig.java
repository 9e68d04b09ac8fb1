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
 * @param awaitInputs how long a round may wait for its samples (JUICE_AWAIT_INPUTS, default 30m)
 */
public record RewardTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, Duration awaitInputs) {
  public static RewardTrainerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new RewardTrainerConfig(run, KafkaSettings.fromEnv(env), PipelineEnv.fromEnv(env),
        env.duration("JUICE_AWAIT_INPUTS", Duration.ofMinutes(30)));
  }
}
