package dev.juice.model.pipeline;

import ai.djl.ndarray.NDArray;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.DjlLosses;
import dev.juice.model.Optimizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.SequenceBatch;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Example;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.Trainers;
import dev.juice.model.math.Advantages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The policy side of a run, transport-free: SFT, and one round of IRFT/SPIN or RFT's policy step
 * given the round's samples. The policy-trainer service and the in-process driver both call it.
 *
 * <p>Each round starts a fresh AdamW (as SPIN's per-iteration runs do) and draws its shuffles from a
 * stream seeded by (seed, round), so a round's outcome depends only on the weights at its start, the
 * reference, and its samples — which is what makes a resumed trainer end bit-identical to an
 * uninterrupted one.
 */
public final class PolicyLearner {
  private final PolicyModel policy;
  private final PolicyModel reference;
  private final PipelineConfig c;
  private final int ctx;

  /** What one round measured. */
  public record RoundResult(double loss, long steps, int pairs, double meanReward, double meanKl) {}

  public PolicyLearner(PolicyModel policy, PolicyModel reference, PipelineConfig config) {
    this.policy = policy;
    this.reference = reference;
    this.c = config;
    this.ctx = policy.config().contextLength();
    reference.setTrainable(false);
  }

  public PolicyModel policy() {
    return policy;
  }

  public PolicyModel reference() {
    return reference;
  }

  /** SFT on demonstrations ordered by id (arrival order across partitions is not deterministic). */
  public double sft(List<Demo> demos, Progress progress) {
    List<Example> ex = demos.stream().sorted(Comparator.comparing(Demo::id))
        .map(d -> new Example(d.prompt(), d.response())).toList();
    return Trainers.sft(policy, ex, c.sft(), progress);
  }

  /** π_ref ← π: at every IRFT/SPIN round start, and once after SFT for RFT. */
  public void freezeReference() {
    WeightsCodec.loadInto(reference, WeightsCodec.encode(policy));
  }

  /** Called at a round start: IRFT and SPIN freeze the current policy as the reference. */
  public void startRound(Round r) {
    if (c.algorithm() == Algorithm.IRFT || c.algorithm() == Algorithm.SPIN) freezeReference();
  }

  /** One IRFT/SPIN pair with its reference log-probs. */
  record Pair(int[] prompt, int[] demo, int[] own, double refDemo, double refOwn) {}

  /**
   * Trains one IRFT/SPIN round on (x, y, ỹ): −log σ(β·Δ) (or the hinge), epochs × batches.
   *
   * @param demos demonstrations by id (y of each sample's prompt)
   */
  public RoundResult irftRound(Round r, Map<String, Demo> demos, List<Sample> samples, Progress progress) {
    BpeTokenizer tok = policy.tokenizer();
    List<Sample> rows = new ArrayList<>();
    for (Sample s : sorted(samples)) if (s.tokens().length > 0 && demos.containsKey(s.demoId())) rows.add(s);
    List<Pair> pairs = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i += 64) {
      List<Sample> mb = rows.subList(i, Math.min(rows.size(), i + 64));
      int[][] ps = mb.stream().map(s -> RolloutSampler.promptTokens(tok, s.prompt(), ctx)).toArray(int[][]::new);
      int[][] ys = mb.stream().map(s -> RolloutSampler.responseTokens(tok, demos.get(s.demoId()).response())).toArray(int[][]::new);
      int[][] own = mb.stream().map(Sample::tokens).toArray(int[][]::new);
      double[] refY = reference.score(ps, ys);
      double[] refOwn = reference.score(ps, own);
      for (int j = 0; j < mb.size(); j++) pairs.add(new Pair(ps[j], ys[j], own[j], refY[j], refOwn[j]));
    }
    int bs = c.policy().batchSize();
    long total = (long) c.policy().epochs() * ((pairs.size() + bs - 1) / bs);
    // a fresh AdamW per stage; with a warm-up share, the stage's rate warms up and decays over its own steps
    Optimizer opt = c.policy().warmupShare() > 0
        ? new Optimizer(policy, Optimizer.warmupLinear(c.policy().learningRate(),
            (int) Math.round(c.policy().warmupShare() * total), (int) total), c.policy().weightDecay(), c.policy().clipNorm())
        : new Optimizer(policy, c.policy().learningRate(), c.policy().weightDecay(), c.policy().clipNorm());
    Random rnd = new Random(RoundPlanner.mix(c.seed(), 1_000 + r.index(), 1));
    long step = 0;
    double last = Double.NaN;
    for (int e = 0; e < c.policy().epochs(); e++) {
      List<Pair> order = new ArrayList<>(pairs);
      Collections.shuffle(order, rnd);
      for (int i = 0; i < order.size(); i += bs) {
        List<Pair> mb = order.subList(i, Math.min(order.size(), i + bs));
        long t0 = System.nanoTime();
        last = irftStep(opt, mb);
        long tokens = mb.stream().mapToLong(p -> 2L * p.prompt().length + p.demo().length + p.own().length).sum();
        progress.onStep(c.algorithm().label(), ++step, total, last, tokens / ((System.nanoTime() - t0) / 1e9), detail(r));
      }
    }
    return new RoundResult(last, step, pairs.size(), Double.NaN, Double.NaN);
  }

  private double irftStep(Optimizer opt, List<Pair> mb) {
    int[][] ps = mb.stream().map(Pair::prompt).toArray(int[][]::new);
    SequenceBatch demo = SequenceBatch.of(policy.tokenizer().bos(), ps, mb.stream().map(Pair::demo).toArray(int[][]::new), ctx);
    SequenceBatch own = SequenceBatch.of(policy.tokenizer().bos(), ps, mb.stream().map(Pair::own).toArray(int[][]::new), ctx);
    float[] refDemo = new float[mb.size()];
    float[] refOwn = new float[mb.size()];
    for (int i = 0; i < mb.size(); i++) {
      refDemo[i] = (float) mb.get(i).refDemo();
      refOwn[i] = (float) mb.get(i).refOwn();
    }
    return opt.step(s -> {
      NDArray delta = DjlLosses.irftDelta(policy.sequenceLogProbs(demo, s), s.create(refDemo),
          policy.sequenceLogProbs(own, s), s.create(refOwn));
      NDArray beta = s.create((float) c.beta());
      return c.hinge() ? DjlLosses.irftHinge(delta, beta) : DjlLosses.irftSigmoid(delta, beta);
    }).loss();
  }

  /**
   * RFT's policy step on one round of scored samples: per sequence R = r − β_KL·(log π − log π_ref),
   * RLOO advantages over each prompt's k samples, loss −A·log π(ỹ|x). Requests with fewer than two
   * usable samples are skipped.
   */
  public RoundResult rftRound(Round r, List<Sample.Scored> scored, Progress progress) {
    BpeTokenizer tok = policy.tokenizer();
    Map<String, List<Sample.Scored>> byRequest = new LinkedHashMap<>();
    List<Sample.Scored> ordered = new ArrayList<>(scored);
    ordered.sort(Comparator.comparing((Sample.Scored s) -> s.sample().requestId()).thenComparingInt(s -> s.sample().index()));
    for (Sample.Scored s : ordered) {
      if (s.sample().tokens().length > 0) byRequest.computeIfAbsent(s.sample().requestId(), k -> new ArrayList<>()).add(s);
    }
    List<int[]> prompts = new ArrayList<>();
    List<int[]> responses = new ArrayList<>();
    List<Double> advantages = new ArrayList<>();
    double rewardSum = 0;
    double klSum = 0;
    int n = 0;
    for (List<Sample.Scored> group : byRequest.values()) {
      if (group.size() < 2) continue;
      int[][] ps = group.stream().map(s -> RolloutSampler.promptTokens(tok, s.sample().prompt(), ctx)).toArray(int[][]::new);
      int[][] ys = group.stream().map(s -> s.sample().tokens()).toArray(int[][]::new);
      double[] lp = policy.score(ps, ys);
      double[] lpRef = reference.score(ps, ys);
      double[] rewards = new double[group.size()];
      for (int i = 0; i < rewards.length; i++) {
        double kl = lp[i] - lpRef[i];
        rewards[i] = group.get(i).reward() - c.klCoef() * kl;
        rewardSum += group.get(i).reward();
        klSum += kl;
        n++;
      }
      double[] a = Advantages.rloo(rewards);
      for (int i = 0; i < a.length; i++) {
        prompts.add(ps[i]);
        responses.add(ys[i]);
        advantages.add(a[i]);
      }
    }
    Optimizer opt = new Optimizer(policy, c.policy().learningRate(), c.policy().weightDecay(), c.policy().clipNorm());
    Random rnd = new Random(RoundPlanner.mix(c.seed(), 2_000 + r.index(), 1));
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) idx.add(i);
    int bs = c.policy().batchSize();
    long total = (long) c.policy().epochs() * ((idx.size() + bs - 1) / bs);
    long step = 0;
    double last = Double.NaN;
    for (int e = 0; e < c.policy().epochs(); e++) {
      Collections.shuffle(idx, rnd);
      for (int i = 0; i < idx.size(); i += bs) {
        List<Integer> mb = idx.subList(i, Math.min(idx.size(), i + bs));
        SequenceBatch b = SequenceBatch.of(tok.bos(), mb.stream().map(prompts::get).toArray(int[][]::new),
            mb.stream().map(responses::get).toArray(int[][]::new), ctx);
        float[] adv = new float[mb.size()];
        for (int j = 0; j < adv.length; j++) adv[j] = advantages.get(mb.get(j)).floatValue();
        long t0 = System.nanoTime();
        last = opt.step(s -> DjlLosses.policyGradient(policy.sequenceLogProbs(b, s), s.create(adv))).loss();
        progress.onStep("rft", ++step, total, last, b.size() * (double) b.length() / ((System.nanoTime() - t0) / 1e9), detail(r));
      }
    }
    return new RoundResult(last, step, prompts.size(), n == 0 ? Double.NaN : rewardSum / n, n == 0 ? Double.NaN : klSum / n);
  }

  private String detail(Round r) {
    return c.iterations() > 1 ? "iteration " + (r.iteration() + 1) + "/" + c.iterations() + ", stage " + (r.stage() + 1) + "/" + c.stages()
        : (c.algorithm().usesRewardModel() ? "round " : "stage ") + (r.stage() + 1) + "/" + c.stages();
  }

  static List<Sample> sorted(List<Sample> samples) {
    List<Sample> s = new ArrayList<>(samples);
    s.sort(Comparator.comparing(Sample::requestId).thenComparingInt(Sample::index));
    return s;
  }
}
