package dev.juice.model;

import ai.djl.ndarray.NDManager;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.util.Collection;

/** Test fixture: the engine (2 threads), a root manager and tiny policies on a small BPE vocabulary of a given text. */
public final class TinyModels implements AutoCloseable {
  public final NDManager root;
  public final BpeTokenizer tok;

  /** A tiny BPE vocabulary (bytes + up to 64 merges) trained on the texts. */
  public TinyModels(Collection<String> texts) {
    Engines.pytorch(2);
    root = Engines.newManager();
    tok = BpeTrainer.train(texts, 3 + 256 + 64).tokenizer();
  }

  /** A tiny policy with the given initialisation seed. */
  public PolicyModel policy(long seed) {
    return new PolicyModel(ModelConfig.tiny(tok.vocabSize()), tok, root, seed);
  }

  @Override
  public void close() {
    root.close();
  }
}
