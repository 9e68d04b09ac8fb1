package dev.juice.launcher;

import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import picocli.CommandLine.Option;

/**
 * The algorithm and its hyper-parameters as command-line flags (ALGORITHMS.md). A flag left out keeps
 * the default it is applied to: the papers' defaults for {@code juice run}, the recorded run's
 * settings for {@code juice replay}.
 */
final class AlgorithmOptions {
  @Option(names = "--algorithm", description = "sft, spin, irft, rft or ser-rft (default: env JUICE_ALGORITHM, else irft; replay: the recorded run's).")
  String algorithm;

  @Option(names = "--seed", description = "Seed of the plan, training and sampling (default: env JUICE_SEED, else 1; replay: the recorded run's).")
  Long seed;

  @Option(names = "--beta", description = "IRFT/SPIN beta of the implicit reward (default 0.1).")
  Double beta;

  @Option(names = "--stages", description = "T: stages per iteration (IRFT 5, SPIN 1) or RFT rounds (5).")
  Integer stages;

  @Option(names = "--iterations", description = "Passes over all prompts (SPIN 2, others 1).")
  Integer iterations;

  @Option(names = "--samples-per-prompt", description = "Continuations per prompt and round (IRFT/SPIN 1; RFT's RLOO k, default 2).")
  Integer samplesPerPrompt;

  @Option(names = "--max-staleness", description = "Policy versions a sample may lag (default 0 = on-policy; 1 overlaps sampling with training).")
  Integer maxStaleness;

  @Option(names = "--kl", description = "RFT's KL coefficient beta_KL (default 0.05).")
  Double kl;

  @Option(names = "--max-new-tokens", description = "Generation length limit (default 80).")
  Integer maxNewTokens;

  @Option(names = "--policy-lr", description = "Learning rate of the policy step per round (IRFT/SPIN 1e-4, RFT 3e-5).")
  Float policyLr;

  @Option(names = "--reward-lr", description = "Learning rate of RFT's reward step (default 1e-4).")
  Float rewardLr;

  @Option(names = "--sft-lr", description = "Learning rate of SFT (default 3e-4).")
  Float sftLr;

  @Option(names = "--epochs-per-round", description = "Passes over a round's pairs in the policy step (IRFT/SPIN 2, RFT 1).")
  Integer epochsPerRound;

  Algorithm algorithm() {
    if (algorithm != null) return Algorithm.parse(algorithm);
    String env = System.getenv("JUICE_ALGORITHM"); // the services' variable, so a driver container agrees with them
    return env == null || env.isBlank() ? Algorithm.IRFT : Algorithm.parse(env);
  }

  long seed() {
    if (seed != null) return seed;
    String env = System.getenv("JUICE_SEED");
    return env == null || env.isBlank() ? 1 : Long.parseLong(env.trim());
  }

  /**
   * The base configuration with every given flag applied; a different --algorithm starts from that
   * algorithm's defaults (keeping the base's seed unless --seed is given).
   */
  PipelineConfig config(PipelineConfig base) {
    PipelineConfig c = base;
    if (algorithm != null && Algorithm.parse(algorithm) != base.algorithm()) {
      c = PipelineConfig.defaults(Algorithm.parse(algorithm), base.seed());
    }
    if (seed != null) c = c.withSeed(seed);
    if (stages != null) c = c.withStages(stages);
    if (iterations != null) c = c.withIterations(iterations);
    if (beta != null) c = c.withBeta(beta);
    if (samplesPerPrompt != null) c = c.withSamplesPerPrompt(samplesPerPrompt);
    if (maxStaleness != null) c = c.withMaxStaleness(maxStaleness);
    if (kl != null) c = c.withKl(kl);
    if (maxNewTokens != null) c = c.withMaxNewTokens(maxNewTokens);
    var p = c.policy();
    var r = c.reward();
    var f = c.sft();
    if (policyLr != null || epochsPerRound != null) {
      p = new dev.juice.model.algo.TrainConfig(epochsPerRound != null ? epochsPerRound : p.epochs(), p.batchSize(),
          policyLr != null ? policyLr : p.learningRate(), p.weightDecay(), p.clipNorm(), p.seed());
    }
    if (rewardLr != null) r = new dev.juice.model.algo.TrainConfig(r.epochs(), r.batchSize(), rewardLr, r.weightDecay(), r.clipNorm(), r.seed());
    if (sftLr != null) f = new dev.juice.model.algo.TrainConfig(f.epochs(), f.batchSize(), sftLr, f.weightDecay(), f.clipNorm(), f.seed());
    return c.withTraining(f, p, r);
  }
}
