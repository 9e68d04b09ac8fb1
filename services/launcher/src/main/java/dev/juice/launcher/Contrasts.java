package dev.juice.launcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.inference.TTest;

/**
 * Paired contrasts between arms of the quality benchmark: the difference A − B measured on the same
 * seeds (same split, same SFT model, same sampling seeds) and, where both arms were scored on the
 * same held-out prompts, per prompt. The seed is the unit of replication (training randomness is
 * the larger source of spread), so:
 * <ul>
 *   <li>the estimate is the mean over seeds of each seed's mean paired difference;
 *   <li>the 95 % interval is a two-level percentile bootstrap: seeds resampled with replacement, and
 *       within each drawn seed its prompts resampled with replacement;
 *   <li>the p-value is a two-sided one-sample t-test of the per-seed differences against 0 (Apache
 *       Commons Statistics), so it needs at least two seeds;
 *   <li>the pre-registered family (fixed in {@link #of} before any test run: IRFT − SFT at each ρ,
 *       IRFT − SPIN, final SER RM − seed RM, all-labels RM − final SER RM) is corrected with Holm's
 *       step-down procedure; other contrasts are shown as exploratory, uncorrected.
 * </ul>
 */
final class Contrasts {
  private Contrasts() {}

  /** Significance level of every verdict. */
  static final double ALPHA = 0.05;

  /** What the papers claim about A − B. */
  enum Claim {
    /** A beats B: holds when the (corrected) test rejects 0 with A − B &gt; 0. */
    A_BETTER,
    /**
     * A and B are about equal (SER approaches the all-labels RM): a significant gap refutes it; with
     * no equivalence margin set in advance, a non-significant one cannot confirm it.
     */
    NO_GAP
  }

  /**
   * One contrast's data.
   *
   * @param perSeed per seed, the paired differences of its units (prompts); one value when only the
   *     seed's summary is paired (RM accuracies, or files without per-prompt figures)
   * @param units what a unit is, for the table ("prompts", "seed means")
   */
  record Paired(String name, Claim claim, boolean preRegistered, List<double[]> perSeed, String units) {}

  /** A contrast's figures: estimate with its interval, raw and Holm-adjusted p (NaN when not computable). */
  record Result(Paired data, double estimate, double low, double high, double p, double holm, String verdict) {
    int seeds() {
      return data.perSeed().size();
    }

    int unitsPerSeed() {
      return data.perSeed().stream().mapToInt(a -> a.length).min().orElse(0);
    }
  }

  /**
   * The contrasts a report supports: every method against SFT at the same ρ (IRFT's pre-registered),
   * IRFT − SPIN, every method against the equal-compute SFT arm, and per SER seed share the final
   * SER loop against the seed-only RM and the all-labels RM against the final loop.
   */
  static List<Paired> of(QualityReport q) {
    List<Paired> out = new ArrayList<>();
    TreeSet<Double> rhos = new TreeSet<>();
    q.rows.stream().filter(r -> !Double.isNaN(r.rho())).forEach(r -> rhos.add(r.rho()));
    for (double rho : rhos) {
      Map<String, Map<Long, QualityReport.Row>> byMethod = new LinkedHashMap<>();
      for (QualityReport.Row r : q.rows) {
        if (Double.compare(r.rho(), rho) == 0) byMethod.computeIfAbsent(r.method(), k -> new LinkedHashMap<>()).put(r.seed(), r);
      }
      Map<Long, QualityReport.Row> sft = byMethod.get("SFT");
      String irft = byMethod.keySet().stream().filter(m -> m.startsWith("IRFT")).findFirst().orElse(null);
      String spin = byMethod.keySet().stream().filter(m -> m.startsWith("SPIN")).findFirst().orElse(null);
      if (sft != null) {
        for (String m : byMethod.keySet()) {
          if (m.equals("SFT")) continue;
          paired(m + " − SFT, ρ=" + rho, m.equals(irft), byMethod.get(m), sft).ifPresent(out::add);
        }
      }
      if (irft != null && spin != null) {
        paired(irft + " − " + spin + ", ρ=" + rho, true, byMethod.get(irft), byMethod.get(spin)).ifPresent(out::add);
      }
      Map<Long, QualityReport.Row> equal = byMethod.get(BenchQualityCommand.SFT_EQUAL_STEPS);
      if (equal != null) { // the fair comparison at equal compute: every method against SFT continued as long
        for (String m : byMethod.keySet()) {
          if (m.equals("SFT") || m.equals(BenchQualityCommand.SFT_EQUAL_STEPS)) continue;
          paired(m + " − " + BenchQualityCommand.SFT_EQUAL_STEPS + ", ρ=" + rho, false, byMethod.get(m), equal).ifPresent(out::add);
        }
      }
    }
    Map<String, List<QualityReport.SerRow>> serGroups = new LinkedHashMap<>();
    for (QualityReport.SerRow r : q.ser) {
      serGroups.computeIfAbsent("ρ=" + r.rho() + " trunk, s = " + QualityReport.pct(r.share()), k -> new ArrayList<>()).add(r);
    }
    serGroups.forEach((group, rows) -> {
      List<double[]> gain = new ArrayList<>();
      List<double[]> gap = new ArrayList<>();
      for (long seed : rows.stream().map(QualityReport.SerRow::seed).distinct().toList()) {
        Map<Integer, Double> acc = new LinkedHashMap<>();
        rows.stream().filter(r -> r.seed() == seed).forEach(r -> acc.put(r.loop().loop(), r.loop().heldOutAccuracy()));
        int last = acc.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (last < 1 || !acc.containsKey(0)) continue; // no SER loop ran, or no seed-only RM to compare with
        gain.add(new double[] {acc.get(last) - acc.get(0)});
        if (acc.containsKey(-1)) gap.add(new double[] {acc.get(-1) - acc.get(last)});
      }
      if (!gain.isEmpty()) out.add(new Paired("final SER RM − seed RM, " + group, Claim.A_BETTER, true, gain, "seed means"));
      if (!gap.isEmpty()) out.add(new Paired("all-labels RM − final SER RM, " + group, Claim.NO_GAP, true, gap, "seed means"));
    });
    return out;
  }

  /** A − B over the seeds both have: per prompt when both carry per-prompt gold for the same prompts, else per seed. */
  private static java.util.Optional<Paired> paired(String name, boolean preRegistered, Map<Long, QualityReport.Row> a,
      Map<Long, QualityReport.Row> b) {
    List<double[]> perSeed = new ArrayList<>();
    boolean perPrompt = true;
    for (var e : a.entrySet()) {
      QualityReport.Row y = b.get(e.getKey());
      if (y == null) continue;
      double[] pa = e.getValue().r().perPromptGold();
      double[] pb = y.r().perPromptGold();
      if (pa != null && pb != null && pa.length > 0 && pa.length == pb.length) {
        double[] d = new double[pa.length];
        for (int i = 0; i < d.length; i++) d[i] = pa[i] - pb[i];
        perSeed.add(d);
      } else {
        perPrompt = false;
        perSeed.add(new double[] {e.getValue().r().goldReward() - y.r().goldReward()});
      }
    }
    if (perSeed.isEmpty()) return java.util.Optional.empty();
    if (!perPrompt) { // mixed: pair every seed at the same level
      perSeed.replaceAll(d -> new double[] {mean(d)});
    }
    return java.util.Optional.of(new Paired(name, Claim.A_BETTER, preRegistered, perSeed, perPrompt ? "prompts" : "seed means"));
  }

  /** Estimates, intervals ({@code reps} bootstrap draws from {@code seed}), p-values, Holm within the pre-registered family, verdicts. */
  static List<Result> evaluate(List<Paired> contrasts, long seed, int reps) {
    double[] p = new double[contrasts.size()];
    double[][] ci = new double[contrasts.size()][];
    double[] est = new double[contrasts.size()];
    for (int i = 0; i < p.length; i++) {
      Paired c = contrasts.get(i);
      double[] seedMeans = c.perSeed().stream().mapToDouble(Contrasts::mean).toArray();
      est[i] = mean(seedMeans);
      p[i] = tTestP(seedMeans);
      ci[i] = bootstrap(c.perSeed(), new SplittableRandom(seed + 31L * i), reps);
    }
    double[] family = new double[p.length];
    for (int i = 0; i < p.length; i++) family[i] = contrasts.get(i).preRegistered() ? p[i] : Double.NaN;
    double[] holm = holm(family);
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      Paired c = contrasts.get(i);
      double decisive = c.preRegistered() ? holm[i] : p[i];
      out.add(new Result(c, est[i], ci[i][0], ci[i][1], p[i], holm[i], verdict(c, est[i], decisive)));
    }
    return out;
  }

  static String verdict(Paired c, double estimate, double p) {
    String tag = c.preRegistered() ? "" : " (exploratory)";
    if (Double.isNaN(p)) return "cannot tell (needs ≥ 2 seeds)" + tag;
    boolean significant = p < ALPHA;
    return switch (c.claim()) {
      case A_BETTER -> (!significant ? "cannot tell" : estimate > 0 ? "holds" : "does not hold (reversed)") + tag;
      case NO_GAP -> (!significant ? "cannot tell (no equivalence margin)" : estimate > 0 ? "does not hold (gap)"
          : "holds (SER better)") + tag;
    };
  }

  /** Two-sided one-sample t-test of the values against 0; NaN with fewer than two values. */
  static double tTestP(double[] x) {
    if (x.length < 2) return Double.NaN;
    double m = mean(x);
    boolean constant = Arrays.stream(x).allMatch(v -> v == x[0]);
    if (constant) return m == 0 ? 1.0 : 0.0; // no spread: t is 0/0 or ±∞
    return TTest.withDefaults().test(x).getPValue();
  }

  /**
   * Holm's step-down adjusted p-values over the finite entries (NaN entries are outside the family and
   * stay NaN): sorted ascending, p_(k) · (m − k + 1), made monotone and capped at 1.
   */
  static double[] holm(double[] p) {
    Integer[] order = java.util.stream.IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed().toArray(Integer[]::new);
    Arrays.sort(order, (x, y) -> Double.compare(p[x], p[y]));
    double[] out = new double[p.length];
    Arrays.fill(out, Double.NaN);
    int m = order.length;
    double running = 0;
    for (int k = 0; k < m; k++) {
      running = Math.max(running, Math.min(1.0, p[order[k]] * (m - k)));
      out[order[k]] = running;
    }
    return out;
  }

  /** 2.5 % and 97.5 % percentiles of the two-level bootstrap of the mean (seeds, then units within a seed). */
  static double[] bootstrap(List<double[]> perSeed, SplittableRandom rnd, int reps) {
    int s = perSeed.size();
    double[] draws = new double[reps];
    for (int r = 0; r < reps; r++) {
      double total = 0;
      for (int i = 0; i < s; i++) {
        double[] units = perSeed.get(rnd.nextInt(s));
        double sum = 0;
        for (int j = 0; j < units.length; j++) sum += units[rnd.nextInt(units.length)];
        total += sum / units.length;
      }
      draws[r] = total / s;
    }
    return Quantile.withDefaults().evaluate(draws, 0.025, 0.975);
  }

  private static double mean(double[] x) {
    return Arrays.stream(x).average().orElse(Double.NaN);
  }

  /** The Markdown table of the results; "" when there are none. */
  static String table(List<Result> results) {
    if (results.isEmpty()) return "";
    StringBuilder b = new StringBuilder("| contrast | claimed | seeds | paired on | difference | 95 % CI | p (t over seeds) "
        + "| Holm p | verdict at 0.05 |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      Paired c = r.data();
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %+.4f | [%+.4f, %+.4f] | %s | %s | %s |%n", c.name(),
          c.claim() == Claim.A_BETTER ? "A > B" : "A ≈ B", r.seeds(),
          c.units().equals("prompts") ? r.unitsPerSeed() + " prompts" : c.units(), r.estimate(), r.low(), r.high(),
          fmtP(r.p()), c.preRegistered() ? fmtP(r.holm()) : "—", r.verdict()));
    }
    return b.toString();
  }

  private static String fmtP(double p) {
    if (Double.isNaN(p)) return "—";
    return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
  }
}
