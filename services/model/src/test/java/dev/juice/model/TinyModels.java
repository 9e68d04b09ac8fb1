package dev.juice.model;

import ai.djl.ndarray.NDManager;
import java.util.Collection;

/** Test fixture: the engine (2 threads), a root manager and tiny policies over a given text. */
public final class TinyModels implements AutoCloseable {
  public final NDManager root;
  public final CharTokenizer tok;

  public TinyModels(Collection<String> texts) {
    Engines.pytorch(2);
    root = Engines.newManager();
    tok = CharTokenizer.fit(texts);
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
