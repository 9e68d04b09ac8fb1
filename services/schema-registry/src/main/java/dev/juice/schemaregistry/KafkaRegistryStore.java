package dev.juice.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import dev.juice.common.kafka.TopicAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry events in a compacted single-partition Kafka topic, keyed like Confluent's {@code _schemas}
 * topic ({@code {"keytype":"SCHEMA","subject":..,"version":..}} / {@code {"keytype":"CONFIG",..}}), so
 * compaction keeps exactly the latest state of every subject version and config. On start the whole
 * topic is read to its end; appends are acknowledged by all in-sync replicas before they are applied.
 */
public final class KafkaRegistryStore implements RegistryStore {
  private static final Logger log = LoggerFactory.getLogger(KafkaRegistryStore.class);

  private final String topic;
  private final Map<String, Object> clientProps;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaRegistryStore(Map<String, Object> clientProps, String topic) {
    this.topic = topic;
    this.clientProps = Map.copyOf(clientProps);
    try (Admin admin = Admin.create(clientProps)) {
      TopicAdmin.ensure(admin, List.of(new TopicAdmin.TopicSpec(topic, 1, Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public List<RegistryEvent> replay() {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<RegistryEvent> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (c.position(tp) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic + " to offset " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          RegistryEvent e = decode(r.key(), r.value());
          if (e != null) events.add(e);
        }
      }
    }
    log.info("schema registry state rebuilt from {} ({} events)", topic, events.size());
    return events;
  }

  @Override
  public void append(RegistryEvent event) {
    byte[][] kv = encode(event);
    try {
      producer.send(new ProducerRecord<>(topic, kv[0], kv[1])).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new RegistryError(500, RegistryError.STORE_ERROR, "Error while writing to the registry topic: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryError(500, RegistryError.STORE_ERROR, "Interrupted while writing to the registry topic");
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  static byte[][] encode(RegistryEvent event) {
    ObjectNode key = Json.mapper().createObjectNode();
    ObjectNode value = Json.mapper().createObjectNode();
    if (event instanceof RegistryEvent.SchemaVersion s) {
        key.put("keytype", "SCHEMA").put("subject", s.subject()).put("version", s.version()).put("magic", 1);
        value.put("subject", s.subject()).put("version", s.version()).put("id", s.id())
            .put("schema", s.schema()).put("deleted", s.deleted());
    } else if (event instanceof RegistryEvent.SchemaVersionRemoved r) {
        key.put("keytype", "SCHEMA").put("subject", r.subject()).put("version", r.version()).put("magic", 1);
        value = null;
    } else if (event instanceof RegistryEvent.Config c) {
        key.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
        if (c.level() == null) value = null;
        else value.put("compatibilityLevel", c.level());
    }
    return new byte[][] {bytes(key), value == null ? null : bytes(value)};
  }

  static RegistryEvent decode(byte[] keyBytes, byte[] valueBytes) {
    try {
      JsonNode key = Json.mapper().readTree(keyBytes);
      String type = key.path("keytype").asText();
      String subject = key.path("subject").isNull() ? null : key.path("subject").asText(null);
      if (type.equals("SCHEMA")) {
        int version = key.path("version").asInt();
        if (valueBytes == null) return new RegistryEvent.SchemaVersionRemoved(subject, version);
        JsonNode v = Json.mapper().readTree(valueBytes);
        return new RegistryEvent.SchemaVersion(subject, version, v.path("id").asInt(),
            v.path("schema").asText(), v.path("deleted").asBoolean(false));
      }
      if (type.equals("CONFIG")) {
        if (valueBytes == null) return new RegistryEvent.Config(subject, null);
        return new RegistryEvent.Config(subject, Json.mapper().readTree(valueBytes).path("compatibilityLevel").asText());
      }
      log.warn("skipping a registry topic record of unknown keytype '{}'", type);
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt record in the registry topic", e);
    }
  }

  private static byte[] bytes(JsonNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}
