package dev.juice.ingest;

import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.GroupProgress;
import dev.juice.common.kafka.RunTopics;
import dev.juice.common.kafka.TopicReader;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import dev.juice.embedded.EmbeddedKafka;
import dev.juice.ingest.config.IngestConfig;
import dev.juice.ingest.topology.Limits;
import dev.juice.schemaregistry.SchemaRegistryConfig;
import dev.juice.schemaregistry.SchemaRegistryMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Broker + registry + run topics for the ingest integration tests. */
final class Harness implements AutoCloseable {
  final EmbeddedKafka kafka;
  final SchemaRegistryMain.Running registry;
  final RunTopics topics;
  final Admin admin;

  Harness(String run, int partitions) {
    kafka = EmbeddedKafka.startTemporary();
    registry = SchemaRegistryMain.start(SchemaRegistryConfig.fromEnv(Map.of(
        "JUICE_BOOTSTRAP", kafka.bootstrapServers(), "JUICE_REGISTRY_PORT", "0", "JUICE_REGISTRY_HOST", "127.0.0.1")));
    topics = new RunTopics(Topics.forRun(run), new RestSchemaRegistryClient(registry.url()));
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    TopicAdmin.ensure(admin, TopicAdmin.layout(topics.names(), partitions));
  }

  IngestConfig ingestConfig(Path stateDir) {
    return new IngestConfig(topics.names().run(), KafkaSettings.of(kafka.bootstrapServers(), registry.url()),
        stateDir, 1, Duration.ofMillis(100), Limits.DEFAULT);
  }

  Map<String, Object> clientProps() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  /** Every committed record of a topic, from the beginning to its settled end. */
  <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> kd, Deserializer<V> vd) {
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    TopicReader.read(clientProps(), topic, Map.of(), kd, vd, Duration.ofSeconds(60), out::add);
    return out;
  }

  /** True once the group has consumed every record of the topics and of its repartition topics. */
  boolean caughtUp(String groupId, List<String> topicNames) {
    return GroupProgress.lag(admin, groupId, topicNames) == 0;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    admin.close();
    registry.close();
    kafka.close();
  }
}
