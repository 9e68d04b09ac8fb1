package dev.juice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-token draw: inverse CDF over natively computed probabilities, restricted to allowed tokens. */
class SamplerPickTest {
  private static final int DRAWS = 40_000;

  /** log-softmax and softmax at temperature t of the given logits, as the native ops compute them. */
  private static float[][] dist(double[] logits, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) max = Math.max(max, l);
    double z = 0;
    double zt = 0;
    for (double l : logits) {
      z += Math.exp(l - max);
      zt += Math.exp((l - max) / t);
    }
    float[] logp = new float[logits.length];
    float[] probs = new float[logits.length];
    for (int j = 0; j < logits.length; j++) {
      logp[j] = (float) (logits[j] - max - Math.log(z));
      probs[j] = (float) (Math.exp((logits[j] - max) / t) / zt);
    }
    return new float[][] {logp, probs};
  }

  private static double[] frequencies(float[][] d, Sampler.Options o, boolean[] allowed) {
    int v = allowed.length;
    int nAllowed = 0;
    for (boolean a : allowed) if (a) nAllowed++;
    double[] f = new double[v];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < DRAWS; i++) f[Sampler.pick(d[0], d[1], 0, v, o, rnd, allowed, nAllowed, 0)] += 1.0 / DRAWS;
    return f;
  }

  @Test
  void drawsFollowTheDistributionRenormalisedOverAllowedTokens() {
    double[] logits = {0.0, Math.log(2), Math.log(3), Math.log(4), 5.0}; // token 4 is disallowed (PAD-like)
    boolean[] allowed = {true, true, true, true, false};
    double[] f = frequencies(dist(logits, 1.0), new Sampler.Options(10, 1f, 0, true), allowed);
    assertEquals(0, f[4], "a disallowed token is never drawn, however likely");
    for (int j = 0; j < 4; j++) assertEquals((j + 1) / 10.0, f[j], 0.01, "token " + j);
  }

  @Test
  void temperatureSharpensAndTopKTruncates() {
    double[] logits = {0.0, Math.log(2), Math.log(3), Math.log(4)};
    boolean[] allowed = {true, true, true, true};
    // T = 0.5 squares the probabilities: 1, 4, 9, 16 over 30
    double[] sharp = frequencies(dist(logits, 0.5), new Sampler.Options(10, 0.5f, 0, true), allowed);
    for (int j = 0; j < 4; j++) assertEquals((j + 1) * (j + 1) / 30.0, sharp[j], 0.01, "token " + j);
    // top-2 keeps tokens 2 and 3: 3/7 and 4/7
    double[] top2 = frequencies(dist(logits, 1.0), new Sampler.Options(10, 1f, 2, true), allowed);
    assertEquals(0, top2[0] + top2[1]);
    assertEquals(3 / 7.0, top2[2], 0.01);
    assertEquals(4 / 7.0, top2[3], 0.01);
  }

  @Test
  void greedyTakesTheMostLikelyAllowedToken() {
    float[][] d = dist(new double[] {1, 3, 2, 9}, 1.0);
    boolean[] allowed = {true, true, true, false};
    assertEquals(1, Sampler.pick(d[0], null, 0, 4, new Sampler.Options(5, 0f, 0, true), new SplittableRandom(1), allowed, 3, 0));
  }

  @Test
  void allowedTokensWhoseFloatProbabilitiesUnderflowAreStillDrawnInProportion() {
    // the model puts all but e^-120 of its mass on a disallowed token: float softmax rounds the rest to 0
    double[] logits = {0.0, Math.log(3), 120.0};
    boolean[] allowed = {true, true, false};
    float[][] d = dist(logits, 1.0);
    assertEquals(0f, d[1][0]);
    double[] f = frequencies(d, new Sampler.Options(10, 1f, 0, true), allowed);
    assertEquals(0.25, f[0], 0.01);
    assertEquals(0.75, f[1], 0.01);
    assertTrue(f[2] == 0);
  }
}
