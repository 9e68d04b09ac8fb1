package dev.juice.model.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Checks 2 and 3 of ALGORITHMS.md on a tabular softmax policy p = softmax(θ) with exact
 * expectations: the SPIN fixed point of Theorem 5.4 and the first-step identity.
 */
class TabularPolicyTest {
  static final double[] P_DATA = {0.5, 0.3, 0.2};
  static final double[] P_T = {0.2, 0.3, 0.5};

  static double[] softmax(double[] theta) {
    double[] ls = Losses.logSoftmax(theta);
    double[] p = new double[ls.length];
    for (int i = 0; i < p.length; i++) p[i] = Math.exp(ls[i]);
    return p;
  }

  /**
   * Exact gradient w.r.t. θ of the population SPIN loss
   * L(θ) = Σ_y Σ_y' p_data(y)·p_t(y')·softplus(−λ·[log p(y)/p_t(y) − log p(y')/p_t(y')]),
   * using ∂ log p(y)/∂θ = e_y − p.
   */
  static double[] spinGradient(double[] theta, double[] pData, double[] pT, double lambda) {
    int n = theta.length;
    double[] p = softmax(theta);
    double[] g = new double[n];
    for (int y = 0; y < n; y++) {
      for (int yp = 0; yp < n; yp++) {
        double delta = Math.log(p[y] / pT[y]) - Math.log(p[yp] / pT[yp]);
        double w = pData[y] * pT[yp] * Losses.irftSigmoidGrad(delta, lambda); // dL/dΔ
        // dΔ/dθ = (e_y − p) − (e_y' − p) = e_y − e_y'
        g[y] += w;
        g[yp] -= w;
      }
    }
    return g;
  }

  static double[] minimise(double[] pData, double[] pT, double lambda) {
    double[] theta = new double[pT.length];
    for (int i = 0; i < theta.length; i++) theta[i] = Math.log(pT[i]); // start at the opponent
    for (int step = 0; step < 200_000; step++) {
      double[] g = spinGradient(theta, pData, pT, lambda);
      double norm = 0;
      for (int i = 0; i < theta.length; i++) {
        theta[i] -= 2.0 * g[i];
        norm += g[i] * g[i];
      }
      if (Math.sqrt(norm) < 1e-13) break;
    }
    return softmax(theta);
  }

  @Test
  void check2SpinFixedPointMatchesTheorem54() {
    assertArrayEquals(new double[] {0.7669, 0.1840, 0.0491}, minimise(P_DATA, P_T, 0.5), 5e-5);
    assertArrayEquals(P_DATA, minimise(P_DATA, P_T, 1.0), 1e-6);
    assertArrayEquals(new double[] {0.3391, 0.3217, 0.3391}, minimise(P_DATA, P_T, 2.0), 5e-5);
  }

  @Test
  void check2GradientVanishesWhenTheOpponentIsTheData() {
    double[] theta = {Math.log(0.5), Math.log(0.3), Math.log(0.2)};
    assertArrayEquals(new double[3], spinGradient(theta, P_DATA, P_DATA, 0.1), 1e-16);
    // and it does not vanish when they differ
    double[] g = spinGradient(new double[] {Math.log(0.2), Math.log(0.3), Math.log(0.5)}, P_DATA, P_T, 0.1);
    assertEquals(true, Math.abs(g[0]) > 1e-3);
  }

  /**
   * Check 3: at θ = θ_ref the expected IRFT/SPIN gradient over ỹ ~ π_θ equals (β/2)·∇(SFT loss),
   * where SFT loss = −log π(y). Exact expectation over a 5-answer tabular policy.
   */
  @Test
  void check3FirstStepIdentityOnATabularPolicy() {
    double beta = 0.1;
    double[] theta = {0.3, -1.2, 0.8, 0.0, -0.4};
    double[] p = softmax(theta);
    for (int y = 0; y < theta.length; y++) {
      double[] expected = new double[theta.length];
      for (int i = 0; i < theta.length; i++) expected[i] = (beta / 2) * (p[i] - (i == y ? 1 : 0)); // (β/2)·∇(−log p(y))
      double[] irft = new double[theta.length];
      for (int yt = 0; yt < theta.length; yt++) {
        // at θ = θ_ref every Δ is 0; dloss/dΔ = −β/2; ∇Δ = (e_y − p) − (e_ỹ − p) = e_y − e_ỹ
        double dl = Losses.irftSigmoidGrad(0, beta);
        irft[y] += p[yt] * dl;
        irft[yt] -= p[yt] * dl;
      }
      assertArrayEquals(expected, irft, 1e-15);
    }
  }
}
