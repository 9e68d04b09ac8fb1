package dev.juice.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
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
    this(model, Tracker.fixed(lr), weightDecay, clipNorm);
  }

  /** With a learning-rate schedule (DJL's trackers, e.g. {@link #warmupCosine}). */
  public Optimizer(Transformer model, Tracker lr, float weightDecay, float clipNorm) {
    this.model = model;
    this.clipNorm = clipNorm;
    this.adam = ai.djl.training.optimizer.Optimizer.adamW()
        .optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
    model.setTrainable(true);
  }

  /** Linear warm-up over {@code warmup} steps, then cosine decay to lr/10 at {@code total} steps (nanoGPT's schedule). */
  public static Tracker warmupCosine(float lr, int warmup, int total) {
    Tracker cosine = ai.djl.training.tracker.CosineTracker.builder().setBaseValue(lr).optFinalValue(lr / 10)
        .setMaxUpdates(Math.max(1, total - warmup)).build();
    return ai.djl.training.tracker.WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(Math.max(1, warmup))
        .optWarmUpBeginValue(lr / 100).build();
  }

  /**
   * Linear warm-up then linear decay over {@code total} steps: at update t (from 1) the rate is
   * lr·t/W for t ≤ W, then lr·(total − t + 1)/(total − W + 1), never 0; W = {@code warmup} ≥ 1.
   */
  public static Tracker warmupLinear(float lr, int warmup, int total) {
    int w = Math.max(1, Math.min(warmup, total));
    int n = Math.max(total, 1);
    return t -> {
      int step = Math.max(1, Math.min(t, n));
      return step <= w ? lr * step / w : lr * (n - step + 1) / (float) (n - w + 1);
    };
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
        // gradient wrappers belong to this step, so whatever is derived from them is freed with it
        Map<String, NDArray> trained = model.trainableParameters();
        List<NDArray> grads = new ArrayList<>(trained.size());
        NDList norms = new NDList();
        for (NDArray p : trained.values()) {
          NDArray g = p.getGradient();
          g.attach(step);
          grads.add(g);
          norms.add(g.norm());
        }
        double norm = NDArrays.stack(norms).square().sum().sqrt().getFloat(); // one sync per step
        float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f;
        steps++;
        int i = 0;
        for (Map.Entry<String, NDArray> e : trained.entrySet()) {
          NDArray g = grads.get(i++);
          if (scale != 1f) g.muli(scale); // in place, outside any graph
          adam.update(e.getKey(), e.getValue(), g);
          g.subi(g); // zero for the next step
        }
        return new StepResult(lossValue, norm);
      }
    }
  }
}
