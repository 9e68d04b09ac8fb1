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
 * @param preset model size of JUICE_BASE=pretrain (JUICE_PRESET tiny|small|large, default small)
 * @param pretrainEpochs epochs of that pre-training (JUICE_PRETRAIN_EPOCHS, default 8)
 * @param minDemos demonstrations to wait for before SFT starts (JUICE_MIN_DEMOS, default 1)
 * @param awaitInputs how long a round may wait for its samples (JUICE_AWAIT_INPUTS, default 30m)
 * @param reuseRecordedSamples train on the samples already recorded in the run's topics as they are,
 *     without the staleness check (replay with recorded samples; JUICE_REUSE_SAMPLES, default false)
 * @param base where the base model comes from when the run has no "base" version yet (JUICE_BASE):
 *     {@value #BUNDLED} (default: Juice's English base shipped in the jar), {@value #AWAIT} (wait for a
 *     driver to publish it, as in compose.yaml), {@value #PRETRAIN} (pre-train a {@code preset} model on
 *     the demonstrations — the old toy behaviour, for experiments), or the path of a Hugging Face
 *     GPT-2 checkpoint directory; the trainer publishes it as the run's "base" version
 */
public record PolicyTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, String preset,
    int pretrainEpochs, int minDemos, Duration awaitInputs, boolean reuseRecordedSamples, String base) {
  public static final String BUNDLED = "bundled";
  public static final String AWAIT = "await";
  public static final String PRETRAIN = "pretrain";

  public PolicyTrainerConfig(String run, KafkaSettings kafka, PipelineConfig pipeline, String preset, int pretrainEpochs,
      int minDemos, Duration awaitInputs, boolean reuseRecordedSamples) {
    // in-process samplers keep the default limit
    this(run, kafka, checkSamplesPerRequest(pipeline, PipelineEnv.DEFAULT_MAX_SAMPLES_PER_REQUEST), preset, pretrainEpochs, minDemos,
        awaitInputs, reuseRecordedSamples, BUNDLED);
  }

  public PolicyTrainerConfig {
    java.util.Objects.requireNonNull(base, "base");
    if (!(base.equals(BUNDLED) || base.equals(AWAIT) || base.equals(PRETRAIN) || java.nio.file.Files.isDirectory(java.nio.file.Path.of(base)))) {
      throw new dev.juice.common.config.ConfigException("JUICE_BASE must be bundled, await, pretrain or a checkpoint directory; "
          + base + " is none of these (no such directory)");
    }
  }

  /**
   * Every rollout request asks for {@code samplesPerPrompt} continuations; a sampler dead-letters a
   * request above its limit and the round would wait for samples that never come. Refused at start.
   */
  static PipelineConfig checkSamplesPerRequest(PipelineConfig pipeline, int limit) {
    if (pipeline.samplesPerPrompt() > limit) {
      throw new dev.juice.common.config.ConfigException("JUICE_SAMPLES_PER_PROMPT " + pipeline.samplesPerPrompt() + " exceeds "
          + PipelineEnv.MAX_SAMPLES_PER_REQUEST + " " + limit + ": samplers would dead-letter every rollout request and the round "
          + "would never complete; raise " + PipelineEnv.MAX_SAMPLES_PER_REQUEST + " on the samplers and the policy-trainer together");
    }
    return pipeline;
  }

  /** Whether the trainer waits for a driver to publish the base. */
  public boolean awaitBase() {
    return base.equals(AWAIT);
  }

  public static PolicyTrainerConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    PipelineConfig pipeline = PipelineEnv.fromEnv(env);
    checkSamplesPerRequest(pipeline, env.integer(PipelineEnv.MAX_SAMPLES_PER_REQUEST, PipelineEnv.DEFAULT_MAX_SAMPLES_PER_REQUEST));
    return new PolicyTrainerConfig(run, KafkaSettings.fromEnv(env), pipeline,
        env.string("JUICE_PRESET", "small"), env.integer("JUICE_PRETRAIN_EPOCHS", 8), env.integer("JUICE_MIN_DEMOS", 1),
        env.duration("JUICE_AWAIT_INPUTS", Duration.ofMinutes(30)), env.bool("JUICE_REUSE_SAMPLES", false),
        env.string("JUICE_BASE", BUNDLED));
  }
}
