package dev.juice.pipeline;

import dev.juice.avro.ModelManifest;
import dev.juice.model.Transformer;
import dev.juice.model.WeightsCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The newest verified version of one model, for a worker that uses it between batches. The weights
 * subscriber's thread only records the newest blob; the worker swaps it in at a batch boundary
 * ({@link #atLeast}), so a batch in flight keeps the version it started with and every output can
 * name the version that produced it.
 */
public final class HotSwapModel<M extends Transformer> {
  private record Blob(long version, byte[] bytes, long publishedAtMs) {}

  private final io.micrometer.core.instrument.Timer switchTimer;

  private final AtomicReference<Blob> newest = new AtomicReference<>();
  private final Function<byte[], M> decode;
  private M model;
  private long loaded = -1;
  private long swaps;

  /** @param decode builds a model from a blob (used for the first version and on a shape change) */
  public HotSwapModel(Function<byte[], M> decode) {
    this(decode, "model", "");
  }

  /**
   * @param instance the worker instance (meter tag)
   * @param name the model's name in meters: {@code juice.model.loaded_version} and
   *     {@code juice.weights.switch} (publish → first use of a version; the weight-switch latency)
   */
  public HotSwapModel(Function<byte[], M> decode, String name, String instance) {
    this.decode = decode;
    io.micrometer.core.instrument.Gauge.builder("juice.model.loaded_version", this, h -> h.loaded).tag("model", name).tag("instance", instance)
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    this.switchTimer = io.micrometer.core.instrument.Timer.builder("juice.weights.switch").tag("model", name).tag("instance", instance)
        .description("from a version's publication to the first batch that uses it")
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
  }

  /** Called by the weights subscriber with a verified version. */
  public void offer(ModelManifest m, byte[] blob) {
    newest.accumulateAndGet(new Blob(m.getVersion(), blob, m.getCreatedAt() == null ? System.currentTimeMillis() : m.getCreatedAt().toEpochMilli()), (a, b) -> a == null || b.version() > a.version() ? b : a);
  }

  /** Newest version received (not necessarily loaded yet); -1 when none. */
  public long available() {
    Blob b = newest.get();
    return b == null ? -1 : b.version();
  }

  /**
   * The newest model, at least at {@code version}: waits for it (while {@code running}), then loads it
   * in place if it is newer than the one held. Returns null on timeout or stop.
   */
  public M atLeast(long version, Duration timeout, BooleanSupplier running) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (available() < version) {
      if (!running.getAsBoolean() || System.nanoTime() > deadline) return null;
      Thread.sleep(20);
    }
    Blob b = newest.get();
    if (b.version() > loaded) {
      if (model == null) {
        model = decode.apply(b.bytes());
      } else {
        try {
          WeightsCodec.loadInto(model, b.bytes());
        } catch (IllegalArgumentException shapeChanged) {
          model.close();
          model = decode.apply(b.bytes());
        }
      }
      loaded = b.version();
      swaps++;
      switchTimer.record(Math.max(0, System.currentTimeMillis() - b.publishedAtMs()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return model;
  }

  /** Version of the model {@link #atLeast} last returned. */
  public long loaded() {
    return loaded;
  }

  public long swaps() {
    return swaps;
  }

  public void close() {
    if (model != null) model.close();
  }
}
