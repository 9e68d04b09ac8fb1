package dev.juice.model.algo;

import ai.djl.ndarray.NDManager;
import dev.juice.model.DjlLosses;
import dev.juice.model.Optimizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.SequenceBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Pre-training and SFT as plain, transport-free procedures over a policy (the rounds of IRFT, SPIN
 * and RFT are in {@code dev.juice.model.pipeline}). Everything is seeded: the same inputs in the
 * same order give bit-identical weights.
 */
public final class Trainers {
  private Trainers() {}

  /** Base LM: mean token NLL on whole sentences (empty prompt, every token counted). */
  public static double pretrain(PolicyModel policy, List<String> sentences, TrainConfig c, Progress progress) {
    List<Example> ex = sentences.stream().map(s -> new Example("", s)).toList();
    return supervised(policy, ex, c, progress, "pretrain", true);
  }

  /** SFT: minimise −E[log π(y|x)] over demonstrations (sequence sums, ALGORITHMS.md). */
  public static double sft(PolicyModel policy, List<Example> demos, TrainConfig c, Progress progress) {
    return supervised(policy, demos, c, progress, "sft", false);
  }

  private static double supervised(PolicyModel policy, List<Example> data, TrainConfig c, Progress progress,
      String phase, boolean tokenMean) {
    Optimizer opt = new Optimizer(policy, c.learningRate(), c.weightDecay(), c.clipNorm());
    Random rnd = new Random(c.seed());
    int ctx = policy.config().contextLength();
    long steps = (long) c.epochs() * ((data.size() + c.batchSize() - 1) / c.batchSize());
    long step = 0;
    double last = Double.NaN;
    for (int e = 0; e < c.epochs(); e++) {
      List<Example> order = new ArrayList<>(data);
      Collections.shuffle(order, rnd);
      for (int i = 0; i < order.size(); i += c.batchSize()) {
        List<Example> mb = order.subList(i, Math.min(order.size(), i + c.batchSize()));
        SequenceBatch b = SequenceBatch.ofText(policy.tokenizer(), mb.stream().map(Example::prompt).toList(),
            mb.stream().map(Example::response).toList(), ctx);
        long t0 = System.nanoTime();
        last = opt.step(s -> tokenMean
            ? DjlLosses.tokenNll(policy.logits(b.inputs(s), null), b.targets(s), b.mask(s))
            : DjlLosses.sft(policy.sequenceLogProbs(b, s))).loss();
        double tps = b.size() * (double) b.length() / ((System.nanoTime() - t0) / 1e9);
        progress.onStep(phase, ++step, steps, last, tps, "epoch " + (e + 1) + "/" + c.epochs());
      }
    }
    return last;
  }

  /** Mean per-token NLL of demonstrations' responses (a held-out fit measure). */
  public static double meanResponseNll(PolicyModel model, List<Example> demos) {
    int ctx = model.config().contextLength();
    double nll = 0;
    long tokens = 0;
    for (int i = 0; i < demos.size(); i += 64) {
      List<Example> mb = demos.subList(i, Math.min(demos.size(), i + 64));
      SequenceBatch b = SequenceBatch.ofText(model.tokenizer(), mb.stream().map(Example::prompt).toList(),
          mb.stream().map(Example::response).toList(), ctx);
      try (NDManager s = model.manager().newSubManager()) {
        nll -= model.sequenceLogProbs(b, s).sum().getFloat();
      }
      tokens += b.responseTokens();
    }
    return nll / Math.max(1, tokens);
  }

}
