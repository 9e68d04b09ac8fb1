package dev.juice.common.kafka;

import dev.juice.avro.Demonstration;
import dev.juice.avro.MetricEvent;
import dev.juice.avro.PolicySample;
import dev.juice.avro.PreferencePair;
import dev.juice.avro.RolloutRequest;
import dev.juice.avro.ScoredSample;
import dev.juice.common.avro.AvroSerde;
import dev.juice.common.avro.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topics of one run, built once: every producer, consumer and Streams topology takes its
 * topics from here. Keys are strings (ids); values are Avro in the Confluent wire format, except the
 * raw ingress topics (JSON bytes from any client) and the DLQ (the rejected bytes as they came).
 */
public final class RunTopics {
  private final Topics names;
  private final Topic<byte[], byte[]> demonstrationsRaw;
  private final Topic<byte[], byte[]> preferencesRaw;
  private final Topic<byte[], byte[]> deadLetters;
  private final Topic<String, Demonstration> demonstrations;
  private final Topic<String, PreferencePair> preferences;
  private final Topic<String, RolloutRequest> rollouts;
  private final Topic<String, PolicySample> samples;
  private final Topic<String, ScoredSample> scored;
  private final Topic<String, MetricEvent> metrics;

  public RunTopics(Topics names, SchemaRegistryClient registry) {
    this.names = names;
    this.demonstrationsRaw = new Topic<>(names.demonstrationsRaw(), Serdes.ByteArray(), Serdes.ByteArray());
    this.preferencesRaw = new Topic<>(names.preferencesRaw(), Serdes.ByteArray(), Serdes.ByteArray());
    this.deadLetters = new Topic<>(names.deadLetters(), Serdes.ByteArray(), Serdes.ByteArray());
    this.demonstrations = new Topic<>(names.demonstrations(), Serdes.String(), AvroSerde.forValues(registry, Demonstration.class));
    this.preferences = new Topic<>(names.preferences(), Serdes.String(), AvroSerde.forValues(registry, PreferencePair.class));
    this.rollouts = new Topic<>(names.rollouts(), Serdes.String(), AvroSerde.forValues(registry, RolloutRequest.class));
    this.samples = new Topic<>(names.samples(), Serdes.String(), AvroSerde.forValues(registry, PolicySample.class));
    this.scored = new Topic<>(names.scored(), Serdes.String(), AvroSerde.forValues(registry, ScoredSample.class));
    this.metrics = new Topic<>(names.metrics(), Serdes.String(), AvroSerde.forValues(registry, MetricEvent.class));
  }

  public Topics names() {
    return names;
  }

  public Topic<byte[], byte[]> demonstrationsRaw() {
    return demonstrationsRaw;
  }

  public Topic<byte[], byte[]> preferencesRaw() {
    return preferencesRaw;
  }

  public Topic<byte[], byte[]> deadLetters() {
    return deadLetters;
  }

  public Topic<String, Demonstration> demonstrations() {
    return demonstrations;
  }

  public Topic<String, PreferencePair> preferences() {
    return preferences;
  }

  public Topic<String, RolloutRequest> rollouts() {
    return rollouts;
  }

  public Topic<String, PolicySample> samples() {
    return samples;
  }

  public Topic<String, ScoredSample> scored() {
    return scored;
  }

  public Topic<String, MetricEvent> metrics() {
    return metrics;
  }
}
