package dev.juice.model.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.juice.model.CharTokenizer;
import dev.juice.model.DjlLosses;
import dev.juice.model.Optimizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.Sampler;
import dev.juice.model.SequenceBatch;
import dev.juice.model.WeightsCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Pre-training, SFT and IRFT/SPIN as plain, transport-free procedures over a policy. The Kafka
 * services call these same methods, and so do the in-process drivers, so both compute the same
 * thing. Everything is seeded: the same inputs in the same order give bit-identical weights.
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

  /** One IRFT training pair: prompt, demonstration and the policy's own continuation, with reference log-probs. */
  public record Pair(int[] prompt, int[] demo, int[] own, double refDemo, double refOwn) {}

  /**
   * IRFT (Li et al. 2024, Alg. 2), SPIN when T = 1: the prompts are split into T stages; at each
   * stage start the current policy is frozen as π_ref, ỹ are generated for the stage's prompts with
   * the current policy, and the policy is trained on (x, y, ỹ) with −log σ(β·Δ) (or the hinge).
   *
   * @param reference a model of the policy's shape that receives the frozen copy at each stage start
   * @return the last loss
   */
  public static double irft(PolicyModel policy, PolicyModel reference, List<Example> demos, IrftConfig c,
      Progress progress) {
    CharTokenizer tok = policy.tokenizer();
    int ctx = policy.config().contextLength();
    Random rnd = new Random(c.train().seed());
    List<Example> order = new ArrayList<>(demos);
    Collections.shuffle(order, rnd);
    int perStage = (order.size() + c.stages() - 1) / c.stages();
    Optimizer opt = new Optimizer(policy, c.train().learningRate(), c.train().weightDecay(), c.train().clipNorm());
    reference.setTrainable(false);
    double last = Double.NaN;
    long stepsPerStage = (long) c.train().epochs()
        * ((perStage * (long) c.generationsPerPrompt() + c.train().batchSize() - 1) / c.train().batchSize());
    long total = stepsPerStage * c.stages();
    long step = 0;
    for (int k = 0; k < c.stages(); k++) {
      List<Example> stage = order.subList(Math.min(order.size(), k * perStage), Math.min(order.size(), (k + 1) * perStage));
      if (stage.isEmpty()) break;
      // (a) freeze the current policy as the reference
      WeightsCodec.loadInto(reference, WeightsCodec.encode(policy));
      // (b) generate ỹ for the stage's prompts with the current policy
      List<Pair> pairs = makePairs(policy, reference, tok, stage, c, k, ctx);
      // (c) train on (x, y, ỹ)
      String detail = "stage " + (k + 1) + "/" + c.stages();
      for (int e = 0; e < c.train().epochs(); e++) {
        List<Pair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, rnd);
        for (int i = 0; i < shuffled.size(); i += c.train().batchSize()) {
          List<Pair> mb = shuffled.subList(i, Math.min(shuffled.size(), i + c.train().batchSize()));
          long t0 = System.nanoTime();
          last = irftStep(policy, opt, mb, c, ctx);
          long tokens = mb.stream().mapToLong(p -> 2L * p.prompt().length + p.demo().length + p.own().length).sum();
          progress.onStep("irft", ++step, total, last, tokens / ((System.nanoTime() - t0) / 1e9), detail);
        }
      }
    }
    return last;
  }

  static List<Pair> makePairs(PolicyModel policy, PolicyModel reference, CharTokenizer tok, List<Example> stage,
      IrftConfig c, int stageIndex, int ctx) {
    int n = stage.size() * c.generationsPerPrompt();
    int[][] prompts = new int[n][];
    int[][] demos = new int[n][];
    long[] seeds = new long[n];
    int room = ctx - 2;
    for (int i = 0; i < stage.size(); i++) {
      int[] p = tok.encode(stage.get(i).prompt());
      int[] d = withEos(tok.encode(stage.get(i).response()));
      for (int g = 0; g < c.generationsPerPrompt(); g++) {
        int row = i * c.generationsPerPrompt() + g;
        prompts[row] = p.length > room / 2 ? java.util.Arrays.copyOf(p, room / 2) : p;
        demos[row] = d;
        seeds[row] = c.train().seed() * 1_000_003L + stageIndex * 100_003L + row;
      }
    }
    int maxNew = Math.min(c.maxNewTokens(), ctx - 1 - maxLen(prompts));
    List<Pair> out = new ArrayList<>(n);
    int chunk = 64;
    for (int i = 0; i < n; i += chunk) {
      int to = Math.min(n, i + chunk);
      int[][] ps = java.util.Arrays.copyOfRange(prompts, i, to);
      Sampler.Generation g = Sampler.generate(policy, reference, ps, java.util.Arrays.copyOfRange(seeds, i, to),
          new Sampler.Options(maxNew, c.temperature(), 0, true));
      int[][] ds = java.util.Arrays.copyOfRange(demos, i, to);
      double[] refDemo = reference.score(ps, ds);
      double[] refOwn = g.referenceLogProbs();
      for (int j = 0; j < ps.length; j++) {
        if (g.responses()[j].length == 0) continue;
        out.add(new Pair(ps[j], ds[j], g.responses()[j], refDemo[j], refOwn[j]));
      }
    }
    return out;
  }

  private static double irftStep(PolicyModel policy, Optimizer opt, List<Pair> mb, IrftConfig c, int ctx) {
    int[][] ps = mb.stream().map(Pair::prompt).toArray(int[][]::new);
    SequenceBatch demo = SequenceBatch.of(ps, mb.stream().map(Pair::demo).toArray(int[][]::new), ctx);
    SequenceBatch own = SequenceBatch.of(ps, mb.stream().map(Pair::own).toArray(int[][]::new), ctx);
    float[] refDemo = new float[mb.size()];
    float[] refOwn = new float[mb.size()];
    for (int i = 0; i < mb.size(); i++) {
      refDemo[i] = (float) mb.get(i).refDemo();
      refOwn[i] = (float) mb.get(i).refOwn();
    }
    return opt.step(s -> {
      NDArray lpY = policy.sequenceLogProbs(demo, s);
      NDArray lpYt = policy.sequenceLogProbs(own, s);
      NDArray delta = DjlLosses.irftDelta(lpY, s.create(refDemo), lpYt, s.create(refOwn));
      NDArray beta = s.create((float) c.beta());
      return c.hinge() ? DjlLosses.irftHinge(delta, beta) : DjlLosses.irftSigmoid(delta, beta);
    }).loss();
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

  private static int[] withEos(int[] t) {
    int[] r = java.util.Arrays.copyOf(t, t.length + 1);
    r[t.length] = CharTokenizer.EOS;
    return r;
  }

  private static int maxLen(int[][] a) {
    int m = 0;
    for (int[] x : a) m = Math.max(m, x.length);
    return m;
  }
}
