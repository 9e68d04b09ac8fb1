package dev.juice.model.algo;

/** Receives training progress (progress bars, metrics). */
public interface Progress {
  /**
   * @param phase pretrain, sft, irft, ...
   * @param step steps done in this phase
   * @param total steps planned in this phase
   * @param loss last loss
   * @param tokensPerSec throughput of the last step
   * @param detail free text (stage k/T, ...)
   */
  void onStep(String phase, long step, long total, double loss, double tokensPerSec, String detail);

  Progress NONE = (phase, step, total, loss, tps, detail) -> { };
}
