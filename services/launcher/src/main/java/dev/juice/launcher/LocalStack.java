package dev.juice.launcher;

import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.RunTopics;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import dev.juice.embedded.EmbeddedKafka;
import dev.juice.schemaregistry.SchemaRegistryConfig;
import dev.juice.schemaregistry.SchemaRegistryMain;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Kafka + schema registry for one command: either an external cluster, or a real broker and registry
 * started in this JVM (data kept in a directory, or temporary). Creates the run's topics.
 */
public final class LocalStack implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final SchemaRegistryMain.Running registry;
  private final KafkaSettings settings;
  private final RunTopics topics;
  private final Admin admin;

  private LocalStack(EmbeddedKafka kafka, SchemaRegistryMain.Running registry, KafkaSettings settings,
      String run, int partitions) {
    this.kafka = kafka;
    this.registry = registry;
    this.settings = settings;
    this.topics = new RunTopics(Topics.forRun(run), new RestSchemaRegistryClient(settings.registryUrl()));
    this.admin = Admin.create(settings.clientProps());
    TopicAdmin.ensure(admin, TopicAdmin.layout(topics.names(), partitions));
  }

  /** An external cluster and registry. */
  static LocalStack external(String bootstrap, String registryUrl, String run, int partitions) {
    return external(KafkaSettings.withClientSettingsFromEnv(bootstrap, registryUrl, System.getenv()), run, partitions);
  }

  /** An external cluster with full client settings (security included). */
  static LocalStack external(KafkaSettings settings, String run, int partitions) {
    return new LocalStack(null, null, settings, run, partitions);
  }

  /**
   * Starts a broker and registry in this JVM. A null data dir means a temporary one deleted on close.
   * Ports 0 mean: free ones (the broker keeps its ports in its data dir across restarts).
   */
  public static LocalStack start(Path dataDir, int kafkaPort, int registryPort, String run, int partitions) {
    EmbeddedKafka.Builder b = EmbeddedKafka.builder().port(kafkaPort);
    if (dataDir != null) b.dataDir(dataDir.resolve("kafka"));
    EmbeddedKafka kafka = b.build().start();
    try {
      SchemaRegistryMain.Running registry = SchemaRegistryMain.start(SchemaRegistryConfig.fromEnv(Map.of(
          "JUICE_BOOTSTRAP", kafka.bootstrapServers(),
          "JUICE_REGISTRY_HOST", "127.0.0.1",
          "JUICE_REGISTRY_PORT", String.valueOf(registryPort))));
      return new LocalStack(kafka, registry, KafkaSettings.of(kafka.bootstrapServers(), registry.url()), run, partitions);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public KafkaSettings settings() {
    return settings;
  }

  public RunTopics topics() {
    return topics;
  }

  public Admin admin() {
    return admin;
  }

  public boolean embedded() {
    return kafka != null;
  }

  public Map<String, Object> clientProps() {
    return new HashMap<>(settings.clientProps());
  }

  /** Stops the embedded broker only (data kept), for restart tests and demos. */
  public EmbeddedKafka kafka() {
    return kafka;
  }

  @Override
  public void close() {
    admin.close();
    if (registry != null) registry.close();
    if (kafka != null) kafka.close();
  }
}
