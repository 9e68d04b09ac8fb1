package dev.juice.scorer;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import dev.juice.pipeline.WorkerSettings;
import java.util.Map;

/**
 * Configuration of a scorer replica.
 *
 * @param run experiment namespace (JUICE_RUN)
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param worker replica id, batch size, weight wait, exit-when-done, threads
 */
public record ScorerConfig(String run, KafkaSettings kafka, WorkerSettings worker) {
  public static ScorerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new ScorerConfig(run, KafkaSettings.fromEnv(env), WorkerSettings.fromEnv(env, 128));
  }
}
