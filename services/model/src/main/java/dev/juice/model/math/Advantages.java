package dev.juice.model.math;

/** Policy-gradient advantages: the RLOO leave-one-out baseline and PPO's clipped objective. */
public final class Advantages {
  private Advantages() {}

  /**
   * RLOO advantages of k ≥ 2 samples of one prompt: A_i = R_i − mean_{j≠i} R_j
   * = (k·R_i − Σ_j R_j)/(k − 1). They sum to 0.
   */
  public static double[] rloo(double[] rewards) {
    int k = rewards.length;
    if (k < 2) throw new IllegalArgumentException("RLOO needs at least 2 samples per prompt, got " + k);
    double sum = 0;
    for (double r : rewards) sum += r;
    double[] a = new double[k];
    for (int i = 0; i < k; i++) a[i] = (k * rewards[i] - sum) / (k - 1);
    return a;
  }

  /** REINFORCE-with-baseline loss of one sample: −A·log π(ỹ|x) (A is a constant, no gradient). */
  public static double policyGradientLoss(double advantage, double logPi) {
    return -advantage * logPi;
  }

  /**
   * PPO-clip loss of one sample: −min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) with ρ = exp(log π − log π_old).
   */
  public static double ppoClipLoss(double advantage, double logPi, double logPiOld, double epsilon) {
    double ratio = Math.exp(logPi - logPiOld);
    double clipped = Math.max(1 - epsilon, Math.min(1 + epsilon, ratio));
    return -Math.min(ratio * advantage, clipped * advantage);
  }
}
