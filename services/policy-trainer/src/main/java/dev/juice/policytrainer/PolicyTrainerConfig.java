package dev.juice.policytrainer;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of a run's policy-trainer.
 *
 * @param run experiment namespace (JUICE_RUN)
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param pipeline algorithm and hyper-parameters (see {@link PipelineEnv#VARIABLES})
 * @param preset model size when the trainer has to pre-train its own base (JUICE_PRESET tiny|small|large, default small)
 * @param pretrainEpochs epochs of that pre-training (JUICE_PRETRAIN_EPOCHS, default 8)
 * @param minDemos demonstrations to wait for before SFT starts (JUICE_MIN_DEMOS, default 1)
 * @param awaitInputs how long a round may wait for its samples (JUICE_AWAIT_INPUTS, default 30m)
 * @param reuseRecordedSamples train on the samples already recorded in the run's topics as they are,
 *     without the staleness check (replay with recorded samples; JUICE_REUSE_SAMPLES, default false)
 * @param awaitBase wait for a "base" model on the weights topic instead of pre-training one
 *     (JUICE_BASE=await; default pretrain) — when a driver publishes the base, as in compose.yaml
 */
public record PolicyTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, String preset,
    int pretrainEpochs, int minDemos, Duration awaitInputs, boolean reuseRecordedSamples, boolean awaitBase) {

  public PolicyTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, String preset, int pretrainEpochs,
      int minDemos, Duration awaitInputs, boolean reuseRecordedSamples) {
    this(run, kafka, pipeline, preset, pretrainEpochs, minDemos, awaitInputs, reuseRecordedSamples, false);
  }

  public static PolicyTrainerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new PolicyTrainerConfig(run, KafkaSettings.fromEnv(env), PipelineEnv.fromEnv(env),
        env.string("JUICE_PRESET", "small"), env.integer("JUICE_PRETRAIN_EPOCHS", 8), env.integer("JUICE_MIN_DEMOS", 1),
        env.duration("JUICE_AWAIT_INPUTS", Duration.ofMinutes(30)), env.bool("JUICE_REUSE_SAMPLES", false),
        switch (env.string("JUICE_BASE", "pretrain")) {
          case "pretrain" -> false;
          case "await" -> true;
          default -> throw new IllegalArgumentException("JUICE_BASE must be pretrain or await");
        });
  }
}
