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
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float weightDecay, float clipNorm, long seed) {
  /** Base LM pre-training defaults. */
  public static TrainConfig pretrain(long seed) {
    return new TrainConfig(8, 32, 1e-3f, 0.01f, 1f, seed);
  }

  /** SFT defaults (a lower rate: it starts from the base model). */
  public static TrainConfig sft(long seed) {
    return new TrainConfig(4, 32, 3e-4f, 0.0f, 1f, seed);
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(e, batchSize, learningRate, weightDecay, clipNorm, seed);
  }
}
