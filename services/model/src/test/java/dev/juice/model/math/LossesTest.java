package dev.juice.model.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks 1, 4 and 6 of ALGORITHMS.md, and the other scalar formulas, against hand-computed values. */
class LossesTest {
  static final double LN2 = 0.6931471805599453;

  @Test
  void check1SigmoidLossAtZeroIsLn2WithSlopeMinusBetaHalf() {
    assertEquals(LN2, Losses.irftSigmoid(0, 0.1), 1e-15);
    assertEquals(LN2, Losses.irftSigmoid(0, 7), 1e-15);
    assertEquals(-0.05, Losses.irftSigmoidGrad(0, 0.1), 1e-15);
    // the analytic slope agrees with a central difference
    double h = 1e-6;
    assertEquals((Losses.irftSigmoid(h, 0.1) - Losses.irftSigmoid(-h, 0.1)) / (2 * h), -0.05, 1e-9);
    // −log σ(βΔ) by hand at β = 0.1, Δ = 3: −log(1/(1+e^−0.3)) = log(1 + 0.7408182) = 0.5543552
    assertEquals(0.5543552444, Losses.irftSigmoid(3, 0.1), 1e-9);
  }

  @Test
  void hingeLoss() {
    assertEquals(1.0, Losses.irftHinge(0, 0.1), 0);
    assertEquals(0.7, Losses.irftHinge(3, 0.1), 1e-15);
    assertEquals(0.0, Losses.irftHinge(20, 0.1), 0);
    assertEquals(2.0, Losses.irftHinge(-10, 0.1), 1e-15);
  }

  @Test
  void deltaIsTheDifferenceOfLogRatios() {
    assertEquals((-10 - -12) - (-8 - -7), Losses.irftDelta(-10, -12, -8, -7), 0);
  }

  @Test
  void check4BradleyTerryIsLn2AtEqualRewardsAndStableAtLargeMargins() {
    assertEquals(LN2, Losses.bradleyTerry(0.3, 0.3, 0), 1e-15);
    assertEquals(LN2, Losses.bradleyTerry(-5, -5, 0), 1e-15);
    assertEquals(0.0, Losses.bradleyTerry(1000, 0, 0), 1e-300, "margin +1000: loss → 0, no NaN");
    assertEquals(1000.0, Losses.bradleyTerry(0, 1000, 0), 1e-9, "margin −1000: loss → 1000, no overflow");
    assertTrue(Double.isFinite(Losses.bradleyTerry(-1000, 1000, 0)));
    // centering c·(r_c + r_r)²: equal rewards of 1 with c = 0.01 add 0.04
    assertEquals(LN2 + 0.04, Losses.bradleyTerry(1, 1, 0.01), 1e-15);
    // −log σ(1) = log(1 + e^−1) = 0.3132617
    assertEquals(0.3132616875, Losses.bradleyTerry(1, 0, 0), 1e-9);
  }

  @Test
  void softplusSigmoidAndLogSumExpAreStable() {
    assertEquals(1000.0, Losses.softplus(1000), 0);
    assertEquals(0.0, Losses.softplus(-1000), 1e-300);
    assertEquals(LN2, Losses.softplus(0), 1e-15);
    assertEquals(1.0, Losses.sigmoid(1000), 0);
    assertEquals(0.0, Losses.sigmoid(-1000), 1e-300);
    assertEquals(-1000.0, Losses.logSigmoid(-1000), 1e-9);
    assertEquals(1000 + Math.log(2), Losses.logSumExp(new double[] {1000, 1000}), 1e-12);
    double[] ls = Losses.logSoftmax(new double[] {1, 2, 3});
    assertEquals(1.0, Math.exp(ls[0]) + Math.exp(ls[1]) + Math.exp(ls[2]), 1e-15);
    assertEquals(-2.4076059644, ls[0], 1e-9);
  }

  @Test
  void klTerms() {
    assertEquals(0.5, Losses.sampledKl(new double[] {-1, -2}, new double[] {-2, -2}), 0);
    assertEquals(0.8, Losses.klPenalisedReward(1, -3, -5, 0.1), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Losses.sampledKl(new double[0], new double[0]));
  }

  @Test
  void check6RlooAdvantagesSumToZero() {
    double[] a = Advantages.rloo(new double[] {1, 2, 6});
    // A_1 = 1 − (2+6)/2 = −3, A_2 = 2 − 3.5 = −1.5, A_3 = 6 − 1.5 = 4.5
    assertEquals(-3.0, a[0], 1e-15);
    assertEquals(-1.5, a[1], 1e-15);
    assertEquals(4.5, a[2], 1e-15);
    java.util.Random rnd = new java.util.Random(1);
    for (int trial = 0; trial < 100; trial++) {
      double[] r = new double[2 + rnd.nextInt(7)];
      for (int i = 0; i < r.length; i++) r[i] = rnd.nextGaussian() * 10;
      double s = 0;
      for (double v : Advantages.rloo(r)) s += v;
      assertEquals(0.0, s, 1e-9);
    }
    assertThrows(IllegalArgumentException.class, () -> Advantages.rloo(new double[] {1}));
  }

  @Test
  void policyGradientAndPpoClip() {
    assertEquals(6.0, Advantages.policyGradientLoss(2, -3), 0);
    // ratio e^0.5 = 1.6487 clipped to 1.2 for a positive advantage
    assertEquals(-1.2 * 2, Advantages.ppoClipLoss(2, -1.5, -2, 0.2), 1e-12);
    // negative advantage: min(ρA, clip(ρ)A) takes the unclipped, more pessimistic term
    assertEquals(Math.exp(0.5) * 2, Advantages.ppoClipLoss(-2, -1.5, -2, 0.2), 1e-12);
  }
}
