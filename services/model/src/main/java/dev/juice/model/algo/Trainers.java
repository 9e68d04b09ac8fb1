package dev.juice.model.algo;

import ai.djl.ndarray.NDManager;
import dev.juice.model.DjlLosses;
import dev.juice.model.Optimizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.SequenceBatch;
import dev.juice.model.text.BpeTokenizer;
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

  /**
   * Base LM: mean token NLL on packed text. Each sentence becomes {@code BOS sentence EOS}; the
   * sentences are concatenated in order and cut into windows of context + 1 tokens, so no step is
   * spent on padding (GPT-2's recipe). Learning rate: linear warm-up over the first 2 % of steps, then
   * cosine decay to a tenth. Windows are shuffled per epoch with the config's seed: the same text and
   * seed give bit-identical weights.
   */
  public static double pretrain(PolicyModel policy, List<String> sentences, TrainConfig c, Progress progress) {
    int ctx = policy.config().contextLength();
    List<int[]> windows = windows(policy.tokenizer(), sentences, ctx);
    if (windows.isEmpty()) throw new IllegalArgumentException("no text to pre-train on");
    int perEpoch = (windows.size() + c.batchSize() - 1) / c.batchSize();
    int total = c.epochs() * perEpoch;
    Optimizer opt = new Optimizer(policy, Optimizer.warmupCosine(c.learningRate(), Math.max(1, total / 50), total),
        c.weightDecay(), c.clipNorm());
    Random rnd = new Random(c.seed());
    long step = 0;
    double last = Double.NaN;
    for (int e = 0; e < c.epochs(); e++) {
      List<int[]> order = new ArrayList<>(windows);
      Collections.shuffle(order, rnd);
      for (int i = 0; i < order.size(); i += c.batchSize()) {
        SequenceBatch b = SequenceBatch.windows(order.subList(i, Math.min(order.size(), i + c.batchSize())));
        long t0 = System.nanoTime();
        last = opt.step(s -> DjlLosses.tokenNll(policy.logits(b.inputs(s), null), b.targets(s), b.mask(s))).loss();
        double tps = b.size() * (double) b.length() / ((System.nanoTime() - t0) / 1e9);
        progress.onStep("pretrain", ++step, total, last, tps, "epoch " + (e + 1) + "/" + c.epochs());
      }
    }
    return last;
  }

  /** Packed windows of context + 1 tokens (the last window may be shorter). */
  public static List<int[]> windows(BpeTokenizer tok, List<String> sentences, int ctx) {
    int[] stream = new int[1 << 16];
    int n = 0;
    for (String s : sentences) {
      int[] t = tok.encode(s);
      if (n + t.length + 2 > stream.length) stream = java.util.Arrays.copyOf(stream, Math.max(stream.length * 2, n + t.length + 2));
      stream[n++] = tok.bos();
      System.arraycopy(t, 0, stream, n, t.length);
      n += t.length;
      stream[n++] = tok.eos();
    }
    List<int[]> out = new ArrayList<>();
    for (int off = 0; off + 1 < n; off += ctx) out.add(java.util.Arrays.copyOfRange(stream, off, Math.min(n, off + ctx + 1)));
    return out;
  }

  /** Mean per-token NLL of packed text (the pre-training objective on held-out text). */
  public static double meanTextNll(PolicyModel model, List<String> sentences) {
    List<int[]> w = windows(model.tokenizer(), sentences, model.config().contextLength());
    double nll = 0;
    long tokens = 0;
    for (int i = 0; i < w.size(); i += 32) {
      SequenceBatch b = SequenceBatch.windows(w.subList(i, Math.min(w.size(), i + 32)));
      try (NDManager s = model.manager().newSubManager()) {
        nll += DjlLosses.tokenNll(model.logits(b.inputs(s), null), b.targets(s), b.mask(s)).getFloat() * b.responseTokens();
      }
      tokens += b.responseTokens();
    }
    return nll / Math.max(1, tokens);
  }

  /** SFT: minimise −E[log π(y|x)] over demonstrations (sequence sums, ALGORITHMS.md). */
  public static double sft(PolicyModel policy, List<Example> demos, TrainConfig c, Progress progress) {
    List<Example> data = demos;
    String phase = "sft";
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
        last = opt.step(s -> DjlLosses.sft(policy.sequenceLogProbs(b, s))).loss();
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
