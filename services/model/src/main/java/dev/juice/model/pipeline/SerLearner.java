package dev.juice.model.pipeline;

import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.RewardModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.math.SerFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Self-evolved reward learning (Huang et al. 2024; ALGORITHMS.md), transport-free:
 * <ol>
 *   <li>train the seed RM on the human-labelled pairs (Bradley–Terry + centering);
 *   <li>self-label every pair still in the unlabelled pool with p = σ(r);
 *   <li>keep the pairs {@link SerFilter} accepts (status 1 or 2), oriented winner ≻ loser; the rest
 *       stay in the pool;
 *   <li>retrain the RM — from the same initial weights, so a loop's RM depends only on its data — on
 *       seed ∪ every pair kept so far;
 *   <li>repeat until no new pair qualifies or {@code maxLoops}.
 * </ol>
 * Hidden labels are read only to report precision; they never reach training.
 */
public final class SerLearner {
  /**
   * @param maxLoops self-labelling loops after the seed RM (the papers stop when nothing new qualifies)
   * @param train Bradley–Terry training of the seed RM and of every loop's retraining
   * @param centering c of c·(r(w) + r(l))², which keeps σ(r) meaningful for the thresholds
   * @param seed seed of the shuffles
   */
  public record Config(int maxLoops, TrainConfig train, double centering, long seed) {
    public Config {
      if (maxLoops < 0) throw new IllegalArgumentException("maxLoops must be >= 0, got " + maxLoops);
    }

    public static Config defaults(long seed) {
      return new Config(5, new TrainConfig(3, 16, 3e-4f, 0f, 1f, seed), 0.01, seed);
    }
  }

  /**
   * One row of the SER table. Loop 0 is the seed RM (nothing self-labelled yet).
   *
   * @param loop 0 = seed RM, n = RM after the n-th self-labelling round
   * @param keptStatus1 pairs newly kept by status 1 in this loop
   * @param keptStatus2 pairs newly kept by status 2 in this loop
   * @param trainPairs pairs the loop's RM was trained on (seed ∪ kept)
   * @param poolLeft unlabelled pairs still in the pool after this loop
   * @param precision share of this loop's newly kept pairs whose orientation matches the hidden label
   *     (NaN when none kept or no hidden labels)
   * @param heldOutAccuracy pairwise accuracy of the loop's RM on the held-out pairs (NaN without any)
   * @param rewardMean mean reward over the held-out pairs' responses
   * @param rewardStd standard deviation of those rewards: the reward scale the thresholds act on
   * @param loss last training mini-batch loss
   */
  public record Loop(int loop, int keptStatus1, int keptStatus2, int trainPairs, int poolLeft, double precision,
      double heldOutAccuracy, double rewardMean, double rewardStd, double loss) {}

  private final RewardModel rm;
  private final Config config;
  private final byte[] init;

  /** @param rm the RM to train (its current weights are the initialisation every loop restarts from) */
  public SerLearner(RewardModel rm, Config config) {
    this.rm = rm;
    this.config = config;
    this.init = WeightsCodec.encode(rm);
  }

  public RewardModel model() {
    return rm;
  }

  /**
   * Runs SER; the RM ends as the last loop's model. {@code onLoop} sees every row as soon as it is
   * measured (loop 0 first).
   */
  public List<Loop> run(List<Preference> pairs, List<Preference> heldOut, Progress progress, Consumer<Loop> onLoop) {
    List<Oriented> seed = new ArrayList<>();
    List<Preference> pool = new ArrayList<>();
    for (Preference p : sorted(pairs)) {
      if (p.labelled()) seed.add(new Oriented(p, p.label()));
      else pool.add(p);
    }
    if (seed.isEmpty()) throw new IllegalArgumentException("SER needs at least one human-labelled pair to train the seed RM");
    List<Loop> loops = new ArrayList<>();
    double loss = train(seed, 0, progress);
    Loop row = measure(0, 0, 0, seed.size(), pool.size(), Double.NaN, heldOut, loss);
    loops.add(row);
    onLoop.accept(row);
    List<Oriented> kept = new ArrayList<>();
    for (int loop = 1; loop <= config.maxLoops() && !pool.isEmpty(); loop++) {
      double[][] r = rewards(rm, pool);
      List<Preference> stay = new ArrayList<>();
      int s1 = 0;
      int s2 = 0;
      int right = 0;
      int known = 0;
      for (int i = 0; i < pool.size(); i++) {
        SerFilter.Decision d = SerFilter.classifyRewards(r[i][0], r[i][1]);
        Preference p = pool.get(i);
        if (!d.kept()) {
          stay.add(p);
          continue;
        }
        if (d.status() == SerFilter.Status.STATUS1) s1++;
        else s2++;
        kept.add(new Oriented(p, d.aWins()));
        if (p.hidden() != null) {
          known++;
          if (p.hidden() == d.aWins()) right++;
        }
      }
      if (s1 + s2 == 0) break; // nothing new qualifies: the RM of the previous loop is final
      pool = stay;
      List<Oriented> data = new ArrayList<>(seed);
      data.addAll(kept);
      WeightsCodec.loadInto(rm, init);
      loss = train(data, loop, progress);
      row = measure(loop, s1, s2, data.size(), pool.size(), known == 0 ? Double.NaN : right / (double) known, heldOut, loss);
      loops.add(row);
      onLoop.accept(row);
    }
    return loops;
  }

  /** Pairs split into what SER trains on and the labelled pairs it is measured on. */
  public record Split(List<Preference> train, List<Preference> heldOut) {}

  /**
   * Holds out {@code share} of the human-labelled pairs (rounded, at least one once there are five or
   * more, and never all of them) for measuring the RM; unlabelled pairs always stay in the training
   * pool. The choice depends only on each pair's id, so a restart or a replay of the same topic holds
   * out the same pairs whatever order they arrive in.
   */
  public static Split holdOut(List<Preference> pairs, double share) {
    if (!(share >= 0 && share < 1)) throw new IllegalArgumentException("held-out share must be in [0, 1), got " + share);
    List<Preference> labelled = new ArrayList<>(pairs.stream().filter(Preference::labelled).toList());
    labelled.sort(java.util.Comparator.comparingLong((Preference p) -> new java.util.SplittableRandom(p.id().hashCode()).nextLong())
        .thenComparing(Preference::id));
    int n = (int) Math.round(share * labelled.size());
    if (share > 0 && n == 0 && labelled.size() >= 5) n = 1;
    n = Math.min(n, labelled.size() - 1);
    java.util.Set<Preference> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    out.addAll(labelled.subList(0, Math.max(0, n)));
    List<Preference> train = new ArrayList<>();
    List<Preference> heldOut = new ArrayList<>();
    for (Preference p : pairs) (out.contains(p) ? heldOut : train).add(p);
    return new Split(train, heldOut);
  }

  /** Trains the RM from its initial weights on every pair with its true label: SER's "all labels" upper bound. */
  public Loop allLabels(List<Preference> pairs, List<Preference> heldOut, Progress progress) {
    List<Oriented> data = new ArrayList<>();
    for (Preference p : sorted(pairs)) if (p.truth() != null) data.add(new Oriented(p, p.truth()));
    WeightsCodec.loadInto(rm, init);
    double loss = train(data, -1, progress);
    return measure(-1, 0, 0, data.size(), 0, Double.NaN, heldOut, loss);
  }

  /** Held-out pairwise accuracy of an RM: r(winner) > r(loser) under the true label. */
  public static double accuracy(RewardModel rm, List<Preference> heldOut) {
    double[][] r = rewards(rm, heldOut);
    int right = 0;
    int n = 0;
    for (int i = 0; i < heldOut.size(); i++) {
      Preference p = heldOut.get(i);
      if (p.truth() == null) continue;
      double[] ab = r[i];
      n++;
      if ((ab[0] > ab[1]) == p.truth()) right++;
    }
    return n == 0 ? Double.NaN : right / (double) n;
  }

  private record Oriented(Preference p, boolean aWins) {}

  private double train(List<Oriented> data, int loop, Progress progress) {
    BpeTokenizer tok = rm.tokenizer();
    int ctx = rm.config().contextLength();
    List<int[]> prompts = new ArrayList<>();
    List<int[]> winners = new ArrayList<>();
    List<int[]> losers = new ArrayList<>();
    for (Oriented o : data) {
      prompts.add(RolloutSampler.promptTokens(tok, o.p().prompt(), ctx));
      winners.add(RolloutSampler.responseTokens(tok, o.aWins() ? o.p().a() : o.p().b()));
      losers.add(RolloutSampler.responseTokens(tok, o.aWins() ? o.p().b() : o.p().a()));
    }
    Random rnd = new Random(RoundPlanner.mix(config.seed(), 5_000 + loop, 2));
    return RewardLearner.fit(rm, prompts, winners, losers, config.train(), config.centering(), rnd, progress,
        loop < 0 ? "all labels" : loop == 0 ? "SER seed" : "SER loop " + loop).loss();
  }

  /** r(x, A¹) and r(x, A²) per pair. */
  private static double[][] rewards(RewardModel rm, List<Preference> pairs) {
    BpeTokenizer tok = rm.tokenizer();
    int ctx = rm.config().contextLength();
    int[][] ps = pairs.stream().map(p -> RolloutSampler.promptTokens(tok, p.prompt(), ctx)).toArray(int[][]::new);
    double[] ra = RewardLearner.score(rm, ps, pairs.stream().map(p -> RolloutSampler.responseTokens(tok, p.a())).toArray(int[][]::new));
    double[] rb = RewardLearner.score(rm, ps, pairs.stream().map(p -> RolloutSampler.responseTokens(tok, p.b())).toArray(int[][]::new));
    double[][] out = new double[pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) out[i] = new double[] {ra[i], rb[i]};
    return out;
  }

  private Loop measure(int loop, int s1, int s2, int trainPairs, int poolLeft, double precision, List<Preference> heldOut,
      double loss) {
    double mean = Double.NaN;
    double std = Double.NaN;
    if (!heldOut.isEmpty()) {
      double sum = 0;
      double sq = 0;
      int n = 0;
      for (double[] ab : rewards(rm, heldOut)) {
        for (double v : ab) {
          sum += v;
          sq += v * v;
          n++;
        }
      }
      mean = sum / n;
      std = Math.sqrt(Math.max(0, sq / n - mean * mean));
    }
    return new Loop(loop, s1, s2, trainPairs, poolLeft, precision, accuracy(rm, heldOut), mean, std, loss);
  }

  private static List<Preference> sorted(List<Preference> pairs) {
    List<Preference> out = new ArrayList<>(pairs);
    out.sort(Comparator.comparing(Preference::id));
    return out;
  }
}
