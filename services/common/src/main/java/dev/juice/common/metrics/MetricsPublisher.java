package dev.juice.common.metrics;

import dev.juice.avro.MetricEvent;
import dev.juice.common.avro.AvroSerializer;
import dev.juice.common.avro.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes {@link MetricEvent}s of one service instance to {@code juice.<run>.metrics}, keyed by
 * service. Metrics are best-effort telemetry: sends are asynchronous and never block training.
 */
public final class MetricsPublisher implements AutoCloseable {
  private final KafkaProducer<String, MetricEvent> producer;
  private final String topic;
  private final String runId;
  private final String service;
  private final String instance;
  private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> gauges = new java.util.concurrent.ConcurrentHashMap<>();

  public MetricsPublisher(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String runId,
      String service, String instance) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new AvroSerializer<MetricEvent>(registry, true, false));
    this.topic = topic;
    this.runId = runId;
    this.service = service;
    this.instance = instance;
  }

  /** Sends one measurement. */
  public void publish(String name, double value, long step, Long modelVersion, Map<String, String> tags) {
    MetricEvent e = MetricEvent.newBuilder().setRunId(runId).setService(service).setInstance(instance)
        .setName(name).setValue(value).setStep(step).setModelVersion(modelVersion)
        .setTags(tags == null ? Map.of() : tags).setTimestamp(Instant.now()).build();
    producer.send(new ProducerRecord<>(topic, service, e));
    gauge(name, tags).set(value);
  }

  /**
   * The same measurement as a gauge {@code juice.<name>} in Micrometer's global registry (tags run,
   * service, instance and the event's own), which a service's {@code /metrics} endpoint exposes.
   */
  private java.util.concurrent.atomic.AtomicReference<Double> gauge(String name, Map<String, String> tags) {
    String key = name + (tags == null ? "" : new java.util.TreeMap<>(tags).toString());
    return gauges.computeIfAbsent(key, k -> {
      java.util.concurrent.atomic.AtomicReference<Double> holder = new java.util.concurrent.atomic.AtomicReference<>(Double.NaN);
      io.micrometer.core.instrument.Gauge.Builder<?> b = io.micrometer.core.instrument.Gauge
          .builder("juice." + name, holder, h -> h.get())
          .tag("run", runId).tag("service", service).tag("instance", instance);
      if (tags != null) tags.forEach(b::tag);
      b.register(io.micrometer.core.instrument.Metrics.globalRegistry);
      return holder;
    });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
