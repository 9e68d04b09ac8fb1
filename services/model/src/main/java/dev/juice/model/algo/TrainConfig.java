package dev.juice.model.algo;

/**
 * Hyper-parameters of one training phase.
 *
 * @param epochs passes over the phase's examples (per stage for IRFT)
 * @param batchSize sequences (pairs for IRFT) per step
 * @param learningRate AdamW learning rate
 * @param weightDecay AdamW decoupled weight decay
 * @param clipNorm global gradient-norm clip
 * @param seed shuffling and sampling seed
 * @param warmupShare IRFT/SPIN policy step: share of a stage's steps spent warming the learning rate
 *     up linearly, after which it decays linearly; 0 = constant
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float weightDecay, float clipNorm, long seed,
    double warmupShare) {
  public TrainConfig {
    if (!(warmupShare >= 0 && warmupShare < 1)) throw new IllegalArgumentException("warm-up share must be in [0, 1), got " + warmupShare);
  }

  /** A constant learning rate (no warm-up, no decay). */
  public TrainConfig(int epochs, int batchSize, float learningRate, float weightDecay, float clipNorm, long seed) {
    this(epochs, batchSize, learningRate, weightDecay, clipNorm, seed, 0);
  }

  /**
   * The same phase with a schedule: linear warm-up over {@code share} of its steps, then linear
   * decay (as the SPIN and TRL trainers' default "linear" schedule); 0 is a constant rate.
   */
  public TrainConfig withWarmup(double share) {
    return new TrainConfig(epochs, batchSize, learningRate, weightDecay, clipNorm, seed, share);
  }

  /** Base LM pre-training defaults. */
  public static TrainConfig pretrain(long seed) {
    return new TrainConfig(8, 32, 1e-3f, 0.01f, 1f, seed);
  }

  /** SFT defaults (a lower rate: it starts from the base model). */
  public static TrainConfig sft(long seed) {
    return new TrainConfig(4, 32, 3e-4f, 0.0f, 1f, seed);
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(e, batchSize, learningRate, weightDecay, clipNorm, seed, warmupShare);
  }
}
