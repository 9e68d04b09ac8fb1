package dev.juice.model.pipeline;

import ai.djl.ndarray.NDManager;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.DjlLosses;
import dev.juice.model.Optimizer;
import dev.juice.model.RewardModel;
import dev.juice.model.SequenceBatch;
import dev.juice.model.algo.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * RFT's reward step, transport-free: Bradley–Terry with the demonstration as "chosen" and the
 * policy's own continuation as "rejected", dropping pairs where ỹ = y, plus the centering term
 * c·(r(y) + r(ỹ))². Also scores samples for the scorer. A fresh AdamW per round; shuffles seeded by
 * (seed, round).
 */
public final class RewardLearner {
  private final RewardModel rm;
  private final PipelineConfig c;
  private final int ctx;

  public RewardLearner(RewardModel rm, PipelineConfig config) {
    this.rm = rm;
    this.c = config;
    this.ctx = rm.config().contextLength();
  }

  public RewardModel model() {
    return rm;
  }

  /** What a reward round measured: last loss, steps, pairs used, and accuracy (r(y) > r(ỹ)) before training. */
  public record RoundResult(double loss, long steps, int pairs, double accuracyBefore) {}

  public RoundResult round(Round r, Map<String, Demo> demos, List<Sample> samples, Progress progress) {
    BpeTokenizer tok = rm.tokenizer();
    List<int[]> prompts = new ArrayList<>();
    List<int[]> chosen = new ArrayList<>();
    List<int[]> rejected = new ArrayList<>();
    for (Sample s : PolicyLearner.sorted(samples)) {
      Demo d = demos.get(s.demoId());
      if (d == null || s.tokens().length == 0) continue;
      int[] y = RolloutSampler.responseTokens(tok, d.response());
      if (Arrays.equals(y, s.tokens())) continue; // ỹ = y carries no preference
      prompts.add(RolloutSampler.promptTokens(tok, s.prompt(), ctx));
      chosen.add(y);
      rejected.add(s.tokens());
    }
    double accuracy = Double.NaN;
    if (!prompts.isEmpty()) {
      int[][] ps = prompts.toArray(int[][]::new);
      double[] rc = score(ps, chosen.toArray(int[][]::new));
      double[] rr = score(ps, rejected.toArray(int[][]::new));
      int right = 0;
      for (int i = 0; i < rc.length; i++) if (rc[i] > rr[i]) right++;
      accuracy = right / (double) rc.length;
    }
    Random rnd = new Random(RoundPlanner.mix(c.seed(), 3_000 + r.index(), 1));
    Fit f = fit(rm, prompts, chosen, rejected, c.reward(), c.centering(), rnd, progress, "round " + (r.index() + 1));
    return new RoundResult(f.loss(), f.steps(), prompts.size(), accuracy);
  }

  /** What {@link #fit} did: the last mini-batch loss and the steps taken. */
  public record Fit(double loss, long steps) {}

  /**
   * Bradley–Terry training with the centering term on (x, chosen ≻ rejected) rows: a fresh AdamW,
   * {@code t.epochs()} shuffled passes in mini-batches of {@code t.batchSize()}. Shared by RFT's
   * reward step and SER's seed and loop retraining.
   */
  public static Fit fit(RewardModel rm, List<int[]> prompts, List<int[]> chosen, List<int[]> rejected,
      dev.juice.model.algo.TrainConfig t, double centering, Random rnd, Progress progress, String label) {
    int ctx = rm.config().contextLength();
    Optimizer opt = new Optimizer(rm, t.learningRate(), t.weightDecay(), t.clipNorm());
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) idx.add(i);
    int bs = t.batchSize();
    long total = (long) t.epochs() * ((idx.size() + bs - 1) / bs);
    long step = 0;
    double last = Double.NaN;
    for (int e = 0; e < t.epochs(); e++) {
      Collections.shuffle(idx, rnd);
      for (int i = 0; i < idx.size(); i += bs) {
        List<Integer> mb = idx.subList(i, Math.min(idx.size(), i + bs));
        int[][] ps = mb.stream().map(prompts::get).toArray(int[][]::new);
        SequenceBatch good = SequenceBatch.of(rm.tokenizer().bos(), ps, mb.stream().map(chosen::get).toArray(int[][]::new), ctx);
        SequenceBatch bad = SequenceBatch.of(rm.tokenizer().bos(), ps, mb.stream().map(rejected::get).toArray(int[][]::new), ctx);
        long t0 = System.nanoTime();
        last = opt.step(s -> DjlLosses.bradleyTerry(rm.rewards(good.inputs(s), good.lastIndex(s)),
            rm.rewards(bad.inputs(s), bad.lastIndex(s)), s.create((float) centering))).loss();
        progress.onStep("reward", ++step, total, last,
            2.0 * good.size() * good.length() / ((System.nanoTime() - t0) / 1e9), label);
      }
    }
    return new Fit(last, step);
  }

  private double[] score(int[][] prompts, int[][] responses) {
    return score(rm, prompts, responses);
  }

  /** r_φ(x, y) per row, no gradients; empty responses score 0. */
  public static double[] score(RewardModel rm, int[][] prompts, int[][] responses) {
    int ctx = rm.config().contextLength();
    double[] out = new double[prompts.length];
    for (int i = 0; i < prompts.length; i += 64) {
      int to = Math.min(prompts.length, i + 64);
      List<Integer> rows = new ArrayList<>();
      for (int j = i; j < to; j++) if (responses[j].length > 0) rows.add(j);
      if (rows.isEmpty()) continue;
      SequenceBatch b = SequenceBatch.of(rm.tokenizer().bos(), rows.stream().map(j -> prompts[j]).toArray(int[][]::new),
          rows.stream().map(j -> responses[j]).toArray(int[][]::new), ctx);
      try (NDManager s = rm.manager().newSubManager()) {
        float[] r = rm.rewards(b.inputs(s), b.lastIndex(s)).toFloatArray();
        for (int k = 0; k < rows.size(); k++) out[rows.get(k)] = r[k];
      }
    }
    return out;
  }

  /** Scores samples with this learner's model. */
  public double[] scoreSamples(List<Sample> samples) {
    return scoreSamples(rm, samples);
  }

  /** Scores samples: the reward of each sample's continuation. */
  public static double[] scoreSamples(RewardModel rm, List<Sample> samples) {
    BpeTokenizer tok = rm.tokenizer();
    int ctx = rm.config().contextLength();
    int[][] ps = samples.stream().map(s -> RolloutSampler.promptTokens(tok, s.prompt(), ctx)).toArray(int[][]::new);
    int[][] ys = samples.stream().map(Sample::tokens).toArray(int[][]::new);
    return score(rm, ps, ys);
  }
}
