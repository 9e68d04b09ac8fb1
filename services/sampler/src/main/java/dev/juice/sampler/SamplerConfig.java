package dev.juice.sampler;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import dev.juice.pipeline.WorkerSettings;
import java.util.Map;

/**
 * Configuration of a sampler replica.
 *
 * @param run experiment namespace (JUICE_RUN)
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param worker replica id, batch size, weight wait, exit-when-done, threads
 * @param maxSamplesPerRequest requests asking for more continuations are dead-lettered (JUICE_MAX_SAMPLES_PER_REQUEST, 64)
 */
public record SamplerConfig(String run, KafkaSettings kafka, WorkerSettings worker, int maxSamplesPerRequest) {
  public static SamplerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new SamplerConfig(run, KafkaSettings.fromEnv(env), WorkerSettings.fromEnv(env, 128),
        env.integer(dev.juice.pipeline.PipelineEnv.MAX_SAMPLES_PER_REQUEST, dev.juice.pipeline.PipelineEnv.DEFAULT_MAX_SAMPLES_PER_REQUEST));
  }
}
