package dev.juice.model.math;

/**
 * SER's self-labelling filter (Huang et al. 2024; ALGORITHMS.md). For a pair with p_i = σ(r(x, A^i)),
 * the winner is the response with the larger p. The pair is kept when
 * <ul>
 *   <li><b>status 1</b> (tells good from bad): p_w &gt; 0.55 and p_l &lt; 0.45, else
 *   <li><b>status 2</b> (tells good from better): p_w − p_l ≥ 0.3,
 * </ul>
 * and returns to the unlabelled pool otherwise.
 */
public final class SerFilter {
  public static final double STATUS1_WINNER = 0.55;
  public static final double STATUS1_LOSER = 0.45;
  public static final double STATUS2_GAP = 0.3;
  /** Float tolerance so that a gap of exactly 0.3 computed as 0.8 − 0.5 counts. */
  private static final double EPS = 1e-12;

  /** Which filter kept a pair, if any. */
  public enum Status { NONE, STATUS1, STATUS2 }

  /** The decision on one pair: the status and whether A (response 1) is the winner. */
  public record Decision(Status status, boolean aWins) {
    public boolean kept() {
      return status != Status.NONE;
    }
  }

  private SerFilter() {}

  public static Decision classify(double pA, double pB) {
    boolean aWins = pA >= pB;
    double pw = aWins ? pA : pB;
    double pl = aWins ? pB : pA;
    if (pw > STATUS1_WINNER && pl < STATUS1_LOSER) return new Decision(Status.STATUS1, aWins);
    if (pw - pl >= STATUS2_GAP - EPS) return new Decision(Status.STATUS2, aWins);
    return new Decision(Status.NONE, aWins);
  }

  /** The same decision from the two rewards (p = σ(r)). */
  public static Decision classifyRewards(double rA, double rB) {
    return classify(Losses.sigmoid(rA), Losses.sigmoid(rB));
  }
}
