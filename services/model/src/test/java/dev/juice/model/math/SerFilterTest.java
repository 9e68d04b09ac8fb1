package dev.juice.model.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.juice.model.math.SerFilter.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Check 7 of ALGORITHMS.md: cases at and around the thresholds land in the right status. */
class SerFilterTest {
  @ParameterizedTest(name = "pA={0} pB={1} -> {2}, A wins: {3}")
  @CsvSource({
    // status 1: p_w > 0.55 and p_l < 0.45 (strict)
    "0.56, 0.44, STATUS1, true",
    "0.44, 0.56, STATUS1, false",
    "0.90, 0.10, STATUS1, true",
    "0.551, 0.449, STATUS1, true",
    // exactly at the status-1 thresholds: not status 1; gap 0.10 < 0.3: not kept
    "0.55, 0.44, NONE, true",
    "0.56, 0.45, NONE, true",
    "0.55, 0.45, NONE, true",
    // status 2: both on the same side, gap >= 0.3
    "0.90, 0.60, STATUS2, true",
    "0.80, 0.50, STATUS2, true",
    "0.30, 0.00, STATUS2, true",
    "0.40, 0.10, STATUS2, true",
    "0.10, 0.40, STATUS2, false",
    "0.89, 0.60, NONE, true",
    "0.799, 0.50, NONE, true",
    // neither
    "0.50, 0.50, NONE, true",
    "0.52, 0.48, NONE, true",
    "0.70, 0.50, NONE, true",
  })
  void statuses(double pA, double pB, Status expected, boolean aWins) {
    SerFilter.Decision d = SerFilter.classify(pA, pB);
    assertEquals(expected, d.status());
    assertEquals(aWins, d.aWins());
  }

  @ParameterizedTest
  @CsvSource({"2.0, -2.0, STATUS1", "0.0, 0.0, NONE", "3.0, 0.6, STATUS2"})
  void fromRewards(double rA, double rB, Status expected) {
    // σ(3) = 0.953, σ(0.6) = 0.646: both above 0.55 → not status 1; gap 0.307 → status 2
    assertEquals(expected, SerFilter.classifyRewards(rA, rB).status());
  }
}
