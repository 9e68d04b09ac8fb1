package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.juice.model.text.BpeTokenizer;

/**
 * The reward model (Hugging Face's GPT2ForSequenceClassification with one label): the same trunk plus
 * a scalar head {@code score.weight} (1, C), no bias, read at the last token of each sequence (the
 * token before the EOS that closes the response). Initialised from a policy's trunk, as in the papers.
 */
public final class RewardModel extends Transformer {
  private final BpeTokenizer tokenizer;

  public RewardModel(ModelConfig config, BpeTokenizer tokenizer, NDManager parent, long seed) {
    super(config, parent, seed);
    this.tokenizer = tokenizer;
    // zero-initialised: every reward starts at 0, so σ(r) = ½ and the first Bradley–Terry loss is exactly ln 2
    add("score.weight", zeros(1, config.embedDim()));
  }

  /** A reward model whose trunk starts as a copy of the policy's. */
  public static RewardModel fromPolicy(PolicyModel policy, NDManager parent, long seed) {
    RewardModel rm = new RewardModel(policy.config(), policy.tokenizer(), parent, seed);
    rm.copyFrom(policy);
    return rm;
  }

  @Override
  public BpeTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * (B, T) tokens and each row's last index -> (B) rewards.
   *
   * @param lastIndex (B) int32: position of the token whose hidden state is read
   */
  public NDArray rewards(NDArray tokens, NDArray lastIndex) {
    NDArray h = hidden(tokens, null); // (B, T, C)
    long b = h.getShape().get(0);
    long t = h.getShape().get(1);
    // (B) -> (B, 1, T) one-hot x (B, T, C) -> (B, 1, C) -> (B, C)
    NDArray pick = lastIndex.oneHot((int) t, DataType.FLOAT32).reshape(b, 1, t);
    NDArray last = pick.matMul(h).reshape(b, config.embedDim());
    // (B, C) x (C, 1) -> (B)
    return last.matMul(transposed("score.weight", h.getManager())).reshape(b);
  }
}
