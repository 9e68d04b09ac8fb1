package dev.juice.model.pipeline;

import java.util.Locale;

/** What a run trains after SFT (ALGORITHMS.md). */
public enum Algorithm {
  /** Supervised fine-tuning only: the baseline. */
  SFT,
  /** IRFT with T = 1, iterated: every iteration regenerates for all prompts (Chen et al. 2024). */
  SPIN,
  /** Implicit reward-learning fine-tune, T stages (Li et al. 2024, Alg. 2). */
  IRFT,
  /** Explicit reward model + RLOO policy step against it with a KL penalty (Li et al. 2024, Alg. 1). */
  RFT,
  /**
   * RFT's policy step against a fixed reward model learned from preference pairs by self-evolved
   * reward learning (Huang et al. 2024): the reward-trainer runs SER once, then every round's RLOO step
   * is scored by that RM.
   */
  SER_RFT;

  public static Algorithm parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown algorithm '" + s + "' (expected sft, spin, irft, rft or ser-rft)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether rounds need a reward model (scorer and reward-trainer). */
  public boolean usesRewardModel() {
    return this == RFT || this == SER_RFT;
  }

  /** Whether the reward model trains every round on (demonstration, own sample) pairs (RFT) rather than once, up front (SER-RFT). */
  public boolean rewardPerRound() {
    return this == RFT;
  }

  /** The reward version that scores round k's samples: RFT's v(k+1), SER-RFT's one SER model v1, else none. */
  public Long rewardVersionFor(int round) {
    if (this == RFT) return (long) round + 1;
    if (this == SER_RFT) return 1L;
    return null;
  }
}
