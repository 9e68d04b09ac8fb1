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
  RFT;

  public static Algorithm parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown algorithm '" + s + "' (expected sft, spin, irft or rft)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether rounds need a reward model (scorer and reward-trainer). */
  public boolean usesRewardModel() {
    return this == RFT;
  }
}
