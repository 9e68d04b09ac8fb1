package dev.juice.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.function.Function;

/**
 * AdamW training steps for one model: forward+loss in a per-step sub-manager, backward, global-norm
 * gradient clipping, update, gradients zeroed. Memory stays flat because every per-step array lives
 * in the step's manager and is freed with it. DJL's gradient collector is process-global: two
 * models must not run {@link #step} concurrently in one JVM.
 */
public final class Optimizer {
  private static final Object GRADIENT_LOCK = new Object();

  private final Transformer model;
  private final ai.djl.training.optimizer.Optimizer adam;
  private final float clipNorm;
  private long steps;

  /**
   * @param lr learning rate (fixed)
   * @param weightDecay decoupled weight decay
   * @param clipNorm clip gradients to this global L2 norm (0 = off)
   */
  public Optimizer(Transformer model, float lr, float weightDecay, float clipNorm) {
    this.model = model;
    this.clipNorm = clipNorm;
    this.adam = ai.djl.training.optimizer.Optimizer.adamW()
        .optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(weightDecay).build();
    model.setTrainable(true);
  }

  public long steps() {
    return steps;
  }

  /** What one step measured. */
  public record StepResult(double loss, double gradNorm) {}

  /** One optimisation step of the loss built by {@code lossFn} in the given step manager. */
  public StepResult step(Function<NDManager, NDArray> lossFn) {
    synchronized (GRADIENT_LOCK) {
      try (NDManager step = model.manager().newSubManager()) {
        double lossValue;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss = lossFn.apply(step);
          gc.backward(loss);
          lossValue = loss.getFloat();
        }
        double norm = 0;
        for (NDArray p : model.parameters().values()) {
          try (NDArray g = p.getGradient()) {
            norm += g.square().sum().getFloat();
          }
        }
        norm = Math.sqrt(norm);
        float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f;
        steps++;
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
          NDArray p = e.getValue();
          try (NDArray g = p.getGradient()) {
            if (scale != 1f) g.muli(scale); // in place, outside any graph
            adam.update(e.getKey(), p, g);
            g.subi(g); // zero for the next step
          }
        }
        return new StepResult(lossValue, norm);
      }
    }
  }
}
