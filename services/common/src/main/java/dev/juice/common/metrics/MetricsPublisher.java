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
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
