package dev.juice.model.pipeline;

import dev.juice.model.algo.TrainConfig;

/**
 * Everything that decides what a run trains after the base model: the algorithm, its
 * hyper-parameters (ALGORITHMS.md) and the seed. The policy-trainer, reward-trainer and the
 * in-process driver read the same record, so a run through Kafka and a run in one process plan the
 * same rounds.
 *
 * @param algorithm sft, spin, irft, rft or ser-rft
 * @param seed seed of the plan, the shuffles and the sampling streams
 * @param beta IRFT/SPIN β of the implicit reward (papers: 0.1)
 * @param hinge IRFT hinge loss instead of the logistic one
 * @param stages T: prompts are split into T stages per iteration (IRFT 5, SPIN 1, RFT rounds)
 * @param iterations passes over all prompts (SPIN iterations; 1 for IRFT and RFT)
 * @param samplesPerPrompt continuations per prompt and round (IRFT/SPIN 1; RFT's RLOO k ≥ 2)
 * @param maxNewTokens generation length limit
 * @param temperature sampling temperature (papers: 1.0)
 * @param sft SFT phase hyper-parameters
 * @param policy policy-step hyper-parameters per round (epochs over the round's pairs, batch, rate)
 * @param reward reward-step hyper-parameters per round (RFT)
 * @param klCoef RFT's β_KL in R = r − β_KL·(log π − log π_ref)
 * @param centering RFT reward-step centering coefficient c·(r(y) + r(ỹ))²
 * @param maxStaleness how many policy versions a sample may lag the trainer (0 = on-policy); ≥ 1 lets
 *     the samplers generate the next round while the trainer trains this one
 */
public record PipelineConfig(Algorithm algorithm, long seed, double beta, boolean hinge, int stages, int iterations,
    int samplesPerPrompt, int maxNewTokens, float temperature, TrainConfig sft, TrainConfig policy,
    TrainConfig reward, double klCoef, double centering, int maxStaleness) {

  public PipelineConfig {
    if (stages < 1) throw new IllegalArgumentException("stages must be >= 1, got " + stages);
    if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
    if (samplesPerPrompt < 1) throw new IllegalArgumentException("samples per prompt must be >= 1");
    if (algorithm.usesRewardModel() && samplesPerPrompt < 2) {
      throw new IllegalArgumentException("RFT's RLOO baseline needs >= 2 samples per prompt, got " + samplesPerPrompt);
    }
    if (maxStaleness < 0) throw new IllegalArgumentException("maxStaleness must be >= 0");
    if (beta <= 0) throw new IllegalArgumentException("beta must be > 0");
  }

  /** The papers' defaults for an algorithm: IRFT T = 5; SPIN T = 1, 2 iterations; RFT 5 rounds, k = 2. */
  public static PipelineConfig defaults(Algorithm a, long seed) {
    int stages = switch (a) {
      case IRFT, RFT, SER_RFT -> 5;
      case SPIN, SFT -> 1;
    };
    int iterations = a == Algorithm.SPIN ? 2 : 1;
    int k = a.usesRewardModel() ? 2 : 1;
    TrainConfig policy = a.usesRewardModel() ? new TrainConfig(1, 16, 3e-5f, 0f, 1f, seed)
        : new TrainConfig(2, 16, 1e-4f, 0f, 1f, seed);
    return new PipelineConfig(a, seed, 0.1, false, stages, iterations, k, 80, 1.0f, TrainConfig.sft(seed), policy,
        new TrainConfig(2, 16, 1e-4f, 0f, 1f, seed), 0.05, 0.01, 0);
  }

  /** Rounds in the whole run (0 for SFT). */
  public int rounds() {
    return algorithm == Algorithm.SFT ? 0 : stages * iterations;
  }

  /** Rounds whose rollouts go out ahead of training: min(maxStaleness, 1). */
  public int lookahead() {
    return Math.min(maxStaleness, 1);
  }

  public PipelineConfig withStages(int t) {
    return new PipelineConfig(algorithm, seed, beta, hinge, t, iterations, samplesPerPrompt, maxNewTokens, temperature,
        sft, policy, reward, klCoef, centering, maxStaleness);
  }

  public PipelineConfig withIterations(int n) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, n, samplesPerPrompt, maxNewTokens, temperature,
        sft, policy, reward, klCoef, centering, maxStaleness);
  }

  public PipelineConfig withBeta(double b) {
    return new PipelineConfig(algorithm, seed, b, hinge, stages, iterations, samplesPerPrompt, maxNewTokens, temperature,
        sft, policy, reward, klCoef, centering, maxStaleness);
  }

  public PipelineConfig withSamplesPerPrompt(int k) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, iterations, k, maxNewTokens, temperature,
        sft, policy, reward, klCoef, centering, maxStaleness);
  }

  public PipelineConfig withMaxNewTokens(int n) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, iterations, samplesPerPrompt, n, temperature,
        sft, policy, reward, klCoef, centering, maxStaleness);
  }

  public PipelineConfig withMaxStaleness(int s) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, iterations, samplesPerPrompt, maxNewTokens,
        temperature, sft, policy, reward, klCoef, centering, s);
  }

  public PipelineConfig withTraining(TrainConfig sftPhase, TrainConfig policyStep, TrainConfig rewardStep) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, iterations, samplesPerPrompt, maxNewTokens,
        temperature, sftPhase, policyStep, rewardStep, klCoef, centering, maxStaleness);
  }

  /** The same run with another seed (plan, shuffles, sampling and every phase's training). */
  public PipelineConfig withSeed(long s) {
    return new PipelineConfig(algorithm, s, beta, hinge, stages, iterations, samplesPerPrompt, maxNewTokens, temperature,
        reseed(sft, s), reseed(policy, s), reseed(reward, s), klCoef, centering, maxStaleness);
  }

  private static TrainConfig reseed(TrainConfig t, long s) {
    return new TrainConfig(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(), t.clipNorm(), s);
  }

  public PipelineConfig withKl(double kl) {
    return new PipelineConfig(algorithm, seed, beta, hinge, stages, iterations, samplesPerPrompt, maxNewTokens,
        temperature, sft, policy, reward, kl, centering, maxStaleness);
  }
}
