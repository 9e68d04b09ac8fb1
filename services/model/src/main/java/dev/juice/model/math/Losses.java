package dev.juice.model.math;

/**
 * The losses of ALGORITHMS.md on scalars, in numerically stable forms. The DJL code mirrors these
 * functions and is tested against the same numbers. {@code log π(y|x)} always means the SUM of the
 * response tokens' log-probabilities.
 */
public final class Losses {
  private Losses() {}

  /** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^−|x|): no overflow at |x| = 1000. */
  public static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** σ(x) = 1 / (1 + e^−x), stable for large |x|. */
  public static double sigmoid(double x) {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log σ(x) = −softplus(−x). */
  public static double logSigmoid(double x) {
    return -softplus(-x);
  }

  /**
   * IRFT/SPIN margin Δ = [log π(y) − log π_ref(y)] − [log π(ỹ) − log π_ref(ỹ)] for a demonstration y
   * and the policy's own ỹ.
   */
  public static double irftDelta(double logPiY, double logRefY, double logPiYt, double logRefYt) {
    return (logPiY - logRefY) - (logPiYt - logRefYt);
  }

  /** IRFT/SPIN sigmoid loss −log σ(β·Δ) = softplus(−β·Δ). At Δ = 0 it is ln 2. */
  public static double irftSigmoid(double delta, double beta) {
    return softplus(-beta * delta);
  }

  /** d/dΔ of {@link #irftSigmoid}: −β·σ(−β·Δ); −β/2 at Δ = 0. */
  public static double irftSigmoidGrad(double delta, double beta) {
    return -beta * sigmoid(-beta * delta);
  }

  /** IRFT hinge loss max(0, 1 − β·Δ). */
  public static double irftHinge(double delta, double beta) {
    return Math.max(0, 1 - beta * delta);
  }

  /**
   * Bradley–Terry loss with the chosen response first: −log σ(r_c − r_r) = softplus(r_r − r_c), plus
   * the optional centering term c·(r_c + r_r)² that keeps rewards near 0. ln 2 at equal rewards.
   */
  public static double bradleyTerry(double rewardChosen, double rewardRejected, double centering) {
    double sum = rewardChosen + rewardRejected;
    return softplus(rewardRejected - rewardChosen) + centering * sum * sum;
  }

  /** Per-sequence KL-penalised reward R = r − β_KL·(log π(ỹ) − log π_ref(ỹ)). */
  public static double klPenalisedReward(double reward, double logPi, double logRef, double betaKl) {
    return reward - betaKl * (logPi - logRef);
  }

  /** Sampled KL(π‖π_ref) estimate: the mean of log π(ỹ) − log π_ref(ỹ) over samples ỹ ~ π. */
  public static double sampledKl(double[] logPi, double[] logRef) {
    if (logPi.length != logRef.length || logPi.length == 0) {
      throw new IllegalArgumentException("need the same non-zero number of policy and reference log-probs");
    }
    double s = 0;
    for (int i = 0; i < logPi.length; i++) s += logPi[i] - logRef[i];
    return s / logPi.length;
  }

  /** log Σ e^{x_i} without overflow. */
  public static double logSumExp(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) m = Math.max(m, v);
    if (m == Double.NEGATIVE_INFINITY) return m;
    double s = 0;
    for (double v : x) s += Math.exp(v - m);
    return m + Math.log(s);
  }

  /** log softmax of a vector. */
  public static double[] logSoftmax(double[] x) {
    double lse = logSumExp(x);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = x[i] - lse;
    return out;
  }
}
