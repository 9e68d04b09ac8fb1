package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/** The policy language model: the trunk plus an output projection to next-token logits. */
public final class PolicyModel extends Transformer {
  private final CharTokenizer tokenizer;

  public PolicyModel(ModelConfig config, CharTokenizer tokenizer, NDManager parent, long seed) {
    super(config, parent, seed);
    if (config.vocabSize() != tokenizer.vocabSize()) {
      throw new IllegalArgumentException("config vocab " + config.vocabSize() + " != tokenizer vocab " + tokenizer.vocabSize());
    }
    this.tokenizer = tokenizer;
    add("lm_head.w", normal(new Random(seed ^ 0x5DEECE66DL), 0.02, config.embedDim(), config.vocabSize()));
  }

  public CharTokenizer tokenizer() {
    return tokenizer;
  }

  /** (B) Σ log π(response | prompt) of a batch, in the step manager {@code s} (differentiable). */
  public NDArray sequenceLogProbs(SequenceBatch b, NDManager s) {
    return DjlLosses.sequenceLogProbs(logits(b.inputs(s), null), b.targets(s), b.mask(s));
  }

  /**
   * Σ log π(response | prompt) per row, without gradients; rows with an empty response score 0.
   *
   * @param prompts prompt token ids (without BOS)
   * @param responses response token ids (with EOS if it was emitted)
   */
  public double[] score(int[][] prompts, int[][] responses) {
    double[] out = new double[prompts.length];
    java.util.List<Integer> rows = new java.util.ArrayList<>();
    for (int i = 0; i < prompts.length; i++) if (responses[i].length > 0) rows.add(i);
    if (rows.isEmpty()) return out;
    SequenceBatch batch = SequenceBatch.of(rows.stream().map(i -> prompts[i]).toArray(int[][]::new),
        rows.stream().map(i -> responses[i]).toArray(int[][]::new), config().contextLength());
    try (NDManager s = manager().newSubManager()) {
      float[] lp = sequenceLogProbs(batch, s).toFloatArray();
      for (int j = 0; j < rows.size(); j++) out[rows.get(j)] = lp[j];
    }
    return out;
  }

  /** (B, T) tokens -> (B, T, V) next-token logits. */
  public NDArray logits(NDArray tokens, KvCache cache) {
    return hidden(tokens, cache).matMul(p("lm_head.w"));
  }
}
