package dev.juice.model;

/**
 * Size of a GPT-style character model (nanoGPT's GPTConfig, smaller).
 *
 * @param vocabSize tokens incl. PAD/BOS/EOS/UNK; set from the tokenizer
 * @param contextLength longest sequence (BOS + prompt + response + EOS) the model sees
 * @param embedDim width of the residual stream
 * @param numHeads attention heads; embedDim must be divisible by it
 * @param numLayers transformer blocks
 */
public record ModelConfig(int vocabSize, int contextLength, int embedDim, int numHeads, int numLayers) {
  public ModelConfig {
    if (embedDim % numHeads != 0) throw new IllegalArgumentException("embedDim must be divisible by numHeads");
    if (vocabSize < 5 || contextLength < 2 || numLayers < 1) throw new IllegalArgumentException("model too small: " + this);
  }

  /** Default, ≈ 0.8 M parameters at ~100 characters: trains well on 2 cores. */
  public static ModelConfig small(int vocabSize) {
    return new ModelConfig(vocabSize,
        160, // context: UCI sentences are ≤ ~150 characters
        128, // width
        4,   // heads of 32
        4);  // blocks
  }

  /** Larger preset, ≈ 5 M parameters. */
  public static ModelConfig large(int vocabSize) {
    return new ModelConfig(vocabSize, 160, 256, 8, 6);
  }

  /** Tiny, for tests: ≈ 30 k parameters. */
  public static ModelConfig tiny(int vocabSize) {
    return new ModelConfig(vocabSize, 48, 32, 2, 2);
  }

  public ModelConfig withContext(int context) {
    return new ModelConfig(vocabSize, context, embedDim, numHeads, numLayers);
  }

  public int headDim() {
    return embedDim / numHeads;
  }

  /** Trunk parameters (embeddings, blocks, final norm), excluding heads. */
  public long trunkParameters() {
    long d = embedDim;
    long perBlock = 2 * d /* ln1 */ + d * 3 * d + 3 * d /* qkv */ + d * d + d /* proj */
        + 2 * d /* ln2 */ + d * 4 * d + 4 * d /* fc */ + 4 * d * d + d /* fc proj */;
    return vocabSize * d + contextLength * d + numLayers * perBlock + 2 * d;
  }
}
