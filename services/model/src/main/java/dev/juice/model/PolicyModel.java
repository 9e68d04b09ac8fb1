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

  /** (B, T) tokens -> (B, T, V) next-token logits. */
  public NDArray logits(NDArray tokens, KvCache cache) {
    return hidden(tokens, cache).matMul(p("lm_head.w"));
  }
}
