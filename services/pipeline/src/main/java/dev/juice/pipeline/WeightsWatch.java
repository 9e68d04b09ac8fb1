package dev.juice.pipeline;

import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.weights.ClaimCheck;
import dev.juice.common.weights.WeightSubscriber;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's view of the weights topic: hands verified versions to its {@link HotSwapModel}s and
 * notices when the policy-trainer published the run's final version (manifest metric
 * {@value #FINAL} = 1), after which workers started with "exit when done" stop.
 */
public final class WeightsWatch implements AutoCloseable {
  /** Manifest metric set on the last policy version of a run. */
  public static final String FINAL = "final";

  private final WeightSubscriber subscriber;
  private final AtomicBoolean finished = new AtomicBoolean();

  public WeightsWatch(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Map<String, HotSwapModel<?>> models) {
    this(clientProps, registry, topic, models, ClaimCheck.fromEnvironment());
  }

  /** @param claimCheck where claim-checked versions are read from */
  public WeightsWatch(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Map<String, HotSwapModel<?>> models, ClaimCheck claimCheck) {
    this.subscriber = new WeightSubscriber(clientProps, registry, topic,
        m -> models.containsKey(m) || m.equals("policy"), (manifest, blob) -> {
          HotSwapModel<?> h = models.get(manifest.getModel());
          if (h != null) h.offer(manifest, blob);
          if (manifest.getModel().equals("policy") && manifest.getMetrics().getOrDefault(FINAL, 0.0) >= 1) finished.set(true);
        }, claimCheck);
  }

  public boolean finished() {
    return finished.get();
  }

  public long rejected() {
    return subscriber.rejected();
  }

  /** False once the weights subscriber stopped on its own (the worker would never see a new version). */
  public boolean alive() {
    return subscriber.alive();
  }

  @Override
  public void close() {
    subscriber.close();
  }
}
