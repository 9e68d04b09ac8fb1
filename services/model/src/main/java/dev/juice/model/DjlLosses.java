package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The losses of {@link dev.juice.model.math.Losses} on NDArrays, for training. Scalars (β, c) are
 * NDArrays created by the caller in the step's manager: never {@code mul(Number)} in a graph.
 */
public final class DjlLosses {
  private DjlLosses() {}

  /** (B, T, V) logits, (B, T) targets and mask -> (B, T) log π(target_t | prefix). */
  public static NDArray tokenLogProbs(NDArray logits, NDArray targets) {
    int v = (int) logits.getShape().get(2);
    NDArray oneHot = targets.oneHot(v, ai.djl.ndarray.types.DataType.FLOAT32);
    return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1});
  }

  /** (B) log π(y|x): the SUM over response tokens of their log-probabilities (mask selects them). */
  public static NDArray sequenceLogProbs(NDArray logits, NDArray targets, NDArray mask) {
    return tokenLogProbs(logits, targets).mul(mask).sum(new int[] {1});
  }

  /** SFT loss −mean_B log π(y|x) (sequence sums, as ALGORITHMS.md). */
  public static NDArray sft(NDArray seqLogProbs) {
    return seqLogProbs.neg().mean();
  }

  /** Language-model pre-training loss: mean negative log-likelihood per masked token. */
  public static NDArray tokenNll(NDArray logits, NDArray targets, NDArray mask) {
    return tokenLogProbs(logits, targets).mul(mask).sum().neg().div(mask.sum().add(1e-6f));
  }

  /** Δ per pair: (log π(y) − log π_ref(y)) − (log π(ỹ) − log π_ref(ỹ)). Reference terms carry no gradient. */
  public static NDArray irftDelta(NDArray logPiY, NDArray logRefY, NDArray logPiYt, NDArray logRefYt) {
    return logPiY.sub(logRefY).sub(logPiYt.sub(logRefYt));
  }

  /** mean softplus(−β·Δ). */
  public static NDArray irftSigmoid(NDArray delta, NDArray beta) {
    return Activation.softPlus(delta.mul(beta).neg()).mean();
  }

  /** mean max(0, 1 − β·Δ). */
  public static NDArray irftHinge(NDArray delta, NDArray beta) {
    return Activation.relu(delta.mul(beta).neg().add(1f)).mean();
  }

  /** mean [softplus(r_rejected − r_chosen) + c·(r_chosen + r_rejected)²]. */
  public static NDArray bradleyTerry(NDArray chosen, NDArray rejected, NDArray centering) {
    return Activation.softPlus(rejected.sub(chosen)).add(chosen.add(rejected).square().mul(centering)).mean();
  }

  /** mean −A·log π(ỹ|x), the advantages being constants. */
  public static NDArray policyGradient(NDArray logPi, NDArray advantages) {
    return logPi.mul(advantages).neg().mean();
  }
}
