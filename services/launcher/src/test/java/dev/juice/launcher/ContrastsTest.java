package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.evaluator.Evaluation;
import dev.juice.model.pipeline.SerLearner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality bench's paired contrasts: t-test, Holm, the two-level bootstrap, and verdicts on built reports. */
class ContrastsTest {
  @TempDir Path tmp;

  @Test
  void theTTestMatchesAHandComputation() {
    // mean 2.5, sd √(5/3), t = 2.5 / (sd / 2) = 3.873, df 3: two-sided p = 0.0305 (t tables)
    assertEquals(0.0305, Contrasts.tTestP(new double[] {1, 2, 3, 4}), 5e-4);
    assertTrue(Double.isNaN(Contrasts.tTestP(new double[] {1})), "one seed: no test");
    assertEquals(0.0, Contrasts.tTestP(new double[] {0.1, 0.1, 0.1}), "no spread, nonzero mean");
    assertEquals(1.0, Contrasts.tTestP(new double[] {0, 0}), "no spread, zero mean");
  }

  @Test
  void holmStepsDownAndStaysMonotone() {
    // textbook example: p = 0.01, 0.04, 0.03, 0.005 → sorted 0.005·4, 0.01·3, 0.03·2, 0.04·1 = 0.02, 0.03, 0.06, 0.06 (monotone)
    double[] adj = Contrasts.holm(new double[] {0.01, 0.04, 0.03, 0.005});
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, adj, 1e-12);
    double[] withOutside = Contrasts.holm(new double[] {0.01, Double.NaN, 0.6});
    assertEquals(0.02, withOutside[0], 1e-12);
    assertTrue(Double.isNaN(withOutside[1]), "NaN entries are outside the family");
    assertEquals(0.6, withOutside[2], 1e-12);
    assertEquals(1.0, Contrasts.holm(new double[] {0.7, 0.8})[0], 1e-12, "capped at 1");
  }

  @Test
  void theBootstrapIntervalCoversTheMeanAndNarrowsWithMoreData() {
    SplittableRandom data = new SplittableRandom(3);
    List<double[]> few = List.of(noisy(data, 0.1, 20), noisy(data, 0.1, 20), noisy(data, 0.1, 20));
    List<double[]> many = new java.util.ArrayList<>();
    for (int s = 0; s < 12; s++) many.add(noisy(data, 0.1, 200));
    double[] a = Contrasts.bootstrap(few, new SplittableRandom(1), 4000);
    double[] b = Contrasts.bootstrap(many, new SplittableRandom(1), 4000);
    assertTrue(a[0] < 0.1 && 0.1 < a[1], "covers the true mean: " + a[0] + ", " + a[1]);
    assertTrue(b[0] < 0.1 && 0.1 < b[1], "covers the true mean: " + b[0] + ", " + b[1]);
    assertTrue(b[1] - b[0] < (a[1] - a[0]) / 3, "more seeds and prompts, a narrower interval");
    double[] constant = Contrasts.bootstrap(List.of(new double[] {0.2, 0.2}, new double[] {0.2}), new SplittableRandom(1), 100);
    assertEquals(0.2, constant[0], 1e-12);
    assertEquals(0.2, constant[1], 1e-12);
  }

  private static double[] noisy(SplittableRandom r, double mean, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = mean + (r.nextDouble() - 0.5);
    return x;
  }

  /**
   * A report of {@code seeds} seeds where IRFT's per-prompt gold is SFT's plus {@code lift}, a per-seed
   * offset and per-prompt noise of width {@code noise}, and SPIN's is SFT's plus noise only.
   */
  private static QualityReport report(int seeds, double lift, double noise) {
    QualityReport q = new QualityReport();
    SplittableRandom r = new SplittableRandom(7);
    double shift = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      double[] sft = new double[64];
      double[] irft = new double[64];
      double[] spin = new double[64];
      // training randomness: a per-seed offset, antithetic over seed pairs (sd ≈ 0.014), so that without
      // a lift the mean difference is exactly 0 and the verdict does not depend on a lucky draw
      shift = seed % 2 == 1 ? 0.05 * (r.nextDouble() - 0.5) : -shift;
      for (int i = 0; i < sft.length; i += 2) {
        sft[i] = r.nextDouble() - 0.5;
        sft[i + 1] = r.nextDouble() - 0.5;
        double e = noise * (r.nextDouble() - 0.5); // per-prompt noise, antithetic over prompt pairs
        double f = noise * (r.nextDouble() - 0.5);
        irft[i] = sft[i] + lift + shift + e;
        irft[i + 1] = sft[i + 1] + lift + shift - e;
        spin[i] = sft[i] + f;
        spin[i + 1] = sft[i + 1] - f;
      }
      q.rows.add(new QualityReport.Row("SFT", 0.25, seed, result(sft), 1));
      q.rows.add(new QualityReport.Row("IRFT (T=5)", 0.25, seed, result(irft), 1));
      q.rows.add(new QualityReport.Row("SPIN (T=1)", 0.25, seed, result(spin), 1));
      // SER: loop 2 beats the seed RM by 0.05 ± a little; all labels 0.01 above the final loop
      double seedAcc = 0.6 + 0.02 * r.nextDouble();
      q.ser.add(ser(seed, 0, seedAcc));
      q.ser.add(ser(seed, 1, seedAcc + 0.03));
      q.ser.add(ser(seed, 2, seedAcc + 0.05 + 0.01 * r.nextDouble()));
      q.ser.add(ser(seed, -1, seedAcc + 0.06 + 0.01 * r.nextDouble()));
      q.ser.add(ser(seed, QualityReport.BOW_ALL, 0.7));
    }
    return q;
  }

  private static Evaluation.Result result(double[] perPrompt) {
    double mean = java.util.Arrays.stream(perPrompt).average().orElseThrow();
    return new Evaluation.Result(mean, 0.5, Double.NaN, 1, 0.9, 0.9, perPrompt, List.of());
  }

  private static QualityReport.SerRow ser(long seed, int loop, double acc) {
    return new QualityReport.SerRow(0.0, 0.15, seed, new SerLearner.Loop(loop, 0, 0, 100, 0, Double.NaN, acc, 0, 1, Double.NaN));
  }

  private static Contrasts.Result find(List<Contrasts.Result> rs, String prefix) {
    return rs.stream().filter(x -> x.data().name().startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + rs));
  }

  @Test
  void aRealLiftOverEightSeedsHoldsAndNoLiftCannotBeTold() {
    List<Contrasts.Result> rs = Contrasts.evaluate(Contrasts.of(report(8, 0.05, 0.2)), 1, 4000);
    Contrasts.Result irft = find(rs, "IRFT (T=5) − SFT, ρ=0.25");
    assertEquals(8, irft.seeds());
    assertEquals(64, irft.unitsPerSeed());
    assertTrue(irft.data().preRegistered());
    assertTrue(irft.low() > 0 && irft.low() < irft.estimate() && irft.estimate() < irft.high(), irft.toString());
    assertTrue(irft.holm() >= irft.p(), "Holm never lowers a p-value");
    assertEquals("holds", irft.verdict(), irft.toString());
    Contrasts.Result spin = find(rs, "SPIN (T=1) − SFT");
    assertTrue(!spin.data().preRegistered() && spin.verdict().endsWith("(exploratory)"), spin.toString());
    assertTrue(spin.verdict().startsWith("cannot tell"), "no lift: " + spin);
    assertEquals("holds", find(rs, "IRFT (T=5) − SPIN (T=1)").verdict());
    assertEquals("holds", find(rs, "final SER RM − seed RM").verdict());
    Contrasts.Result gap = find(rs, "all-labels RM − final SER RM");
    assertEquals("seed means", gap.data().units());
    assertEquals("does not hold (gap)", gap.verdict(), gap.toString());

    List<Contrasts.Result> none = Contrasts.evaluate(Contrasts.of(report(8, 0.0, 0.2)), 1, 4000);
    assertTrue(find(none, "IRFT (T=5) − SFT").verdict().startsWith("cannot tell"), find(none, "IRFT (T=5) − SFT").toString());
    assertEquals(1.0, find(none, "IRFT (T=5) − SFT").p(), 1e-6, "an exactly null difference");
    List<Contrasts.Result> one = Contrasts.evaluate(Contrasts.of(report(1, 0.05, 0.2)), 1, 1000);
    assertEquals("cannot tell (needs ≥ 2 seeds)", find(one, "IRFT (T=5) − SFT").verdict());
  }

  @Test
  void perPromptGoldSurvivesTheResultsFileSoMergedSeedsPairPerPrompt() throws Exception {
    QualityReport q = report(3, 0.05, 0.2);
    Path f = tmp.resolve("results.json");
    Files.writeString(f, q.json());
    QualityReport back = QualityReport.read(f);
    assertArrayEquals(q.rows.get(1).r().perPromptGold(), back.rows.get(1).r().perPromptGold(), 1e-12);
    Contrasts.Result irft = find(back.contrasts(), "IRFT (T=5) − SFT");
    assertEquals("prompts", irft.data().units());
    assertEquals(find(q.contrasts(), "IRFT (T=5) − SFT").estimate(), irft.estimate(), 1e-12);
    String json = Files.readString(f);
    assertTrue(json.contains("\"contrasts\"") && json.contains("\"holmP\""), "the figures are in the JSON");
    String table = back.contrastsTable();
    assertTrue(table.contains("| IRFT (T=5) − SFT, ρ=0.25 | A > B | 3 | 64 prompts |"), table);
  }

  @Test
  void filesWithoutPerPromptGoldPairOnSeedMeans() throws Exception {
    String json = """
        {"methods": [
          {"method": "SFT", "seed": 1, "rho": 0.0, "goldReward": 0.10, "sharePositive": 0.3, "kl": 1, "distinct2": 0.9, "realWordShare": 0.5},
          {"method": "IRFT (T=5)", "seed": 1, "rho": 0.0, "goldReward": 0.15, "sharePositive": 0.3, "kl": 1, "distinct2": 0.9, "realWordShare": 0.5},
          {"method": "SFT", "seed": 2, "rho": 0.0, "goldReward": 0.12, "sharePositive": 0.3, "kl": 1, "distinct2": 0.9, "realWordShare": 0.5},
          {"method": "IRFT (T=5)", "seed": 2, "rho": 0.0, "goldReward": 0.13, "sharePositive": 0.3, "kl": 1, "distinct2": 0.9, "realWordShare": 0.5}]}
        """;
    Path f = tmp.resolve("old.json");
    Files.writeString(f, json);
    Contrasts.Result irft = find(QualityReport.read(f).contrasts(), "IRFT (T=5) − SFT");
    assertEquals("seed means", irft.data().units());
    assertEquals(0.03, irft.estimate(), 1e-12);
    assertEquals(2, irft.seeds());
  }
}
