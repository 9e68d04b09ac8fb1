package dev.juice.model.algo;

import ai.djl.ndarray.NDManager;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.util.List;

/**
 * The one way Juice makes a base model from text: train a byte-level BPE vocabulary on the text,
 * build a GPT-2-architecture model of a preset size, pre-train it on the packed text. Deterministic:
 * the same text, sizes, seed and thread count give bit-identical weights.
 */
public final class BaseModels {
  private BaseModels() {}

  /** Vocabulary size measured for each preset (README, "Model"): 4,096 for real runs, 512 for the tiny test model. */
  public static int defaultVocab(String preset) {
    return preset.equals("tiny") ? 512 : 4096;
  }

  /** A fresh base: tokenizer trained on {@code text}, model of {@code preset}, pre-trained for {@code c.epochs()}. */
  public static PolicyModel pretrain(List<String> text, String preset, int vocabSize, TrainConfig c, Progress progress,
      NDManager root) {
    BpeTokenizer tok = BpeTrainer.train(text, vocabSize).tokenizer();
    PolicyModel policy = new PolicyModel(ModelConfig.preset(preset, tok.vocabSize()), tok, root, c.seed());
    try {
      Trainers.pretrain(policy, text, c, progress);
      return policy;
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
  }
}
