package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.juice.model.text.BpeTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy language model (Hugging Face's GPT2LMHeadModel): the trunk plus next-token logits from
 * the token embedding itself (GPT-2's tied {@code lm_head}).
 */
public final class PolicyModel extends Transformer {
  private final BpeTokenizer tokenizer;

  public PolicyModel(ModelConfig config, BpeTokenizer tokenizer, NDManager parent, long seed) {
    super(config, parent, seed);
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens, the model's embedding only "
          + config.vocabSize() + " rows (vocab_size)");
    }
    this.tokenizer = tokenizer;
  }

  @Override
  public BpeTokenizer tokenizer() {
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
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < prompts.length; i++) if (responses[i].length > 0) rows.add(i);
    if (rows.isEmpty()) return out;
    SequenceBatch batch = SequenceBatch.of(tokenizer.bos(), rows.stream().map(i -> prompts[i]).toArray(int[][]::new),
        rows.stream().map(i -> responses[i]).toArray(int[][]::new), config().contextLength());
    try (NDManager s = manager().newSubManager()) {
      float[] lp = sequenceLogProbs(batch, s).toFloatArray();
      for (int j = 0; j < rows.size(); j++) out[rows.get(j)] = lp[j];
    }
    return out;
  }

  /** (B, T) tokens -> (B, T, V) next-token logits; the output projection is the token embedding (tied). */
  public NDArray logits(NDArray tokens, KvCache cache) {
    return project(hidden(tokens, cache)); // (B, T, C) -> (B, T, V)
  }

  /**
   * (B, T) tokens -> (B, V) next-token logits at the last position only: generation needs no more,
   * and projecting every prefill position onto the vocabulary would cost T times as much.
   */
  public NDArray lastLogits(NDArray tokens, KvCache cache) {
    NDArray h = hidden(tokens, cache); // (B, T, C)
    return project(h.get(new NDIndex(":, {}, :", h.getShape().get(1) - 1))); // (B, C) -> (B, V)
  }

  /** Hidden states (…, C) onto the vocabulary (…, V) through the tied token embedding. */
  private NDArray project(NDArray h) {
    return h.matMul(transposed("wte.weight", h.getManager()));
  }
}
