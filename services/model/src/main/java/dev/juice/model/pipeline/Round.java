package dev.juice.model.pipeline;

/**
 * One position in a run's schedule: iteration i (SPIN), stage k of T (IRFT) or round k (RFT).
 *
 * @param index 0-based position over the whole run (iteration × stages + stage)
 * @param iteration 0-based iteration
 * @param stage 0-based stage within the iteration
 */
public record Round(int index, int iteration, int stage) {
  public static Round of(int index, int stagesPerIteration) {
    return new Round(index, index / stagesPerIteration, index % stagesPerIteration);
  }

  @Override
  public String toString() {
    return "i" + iteration + "/s" + stage;
  }
}
