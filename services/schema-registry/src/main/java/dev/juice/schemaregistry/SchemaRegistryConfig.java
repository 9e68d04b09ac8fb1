package dev.juice.schemaregistry;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import java.util.Map;

/**
 * Configuration of the registry service.
 *
 * @param bootstrapServers Kafka holding the registry topic (JUICE_BOOTSTRAP)
 * @param host interface to listen on (JUICE_REGISTRY_HOST, default 0.0.0.0)
 * @param port HTTP port (JUICE_REGISTRY_PORT, default 8081, 0 = any free port)
 * @param topic compacted topic holding the state (JUICE_REGISTRY_TOPIC)
 * @param clientOverrides Kafka client settings from KAFKA_* variables (security etc.)
 */
public record SchemaRegistryConfig(String bootstrapServers, String host, int port, String topic,
    Map<String, String> clientOverrides) {

  public static SchemaRegistryConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    return new SchemaRegistryConfig(
        env.required(KafkaSettings.BOOTSTRAP),
        env.string("JUICE_REGISTRY_HOST", "0.0.0.0"),
        env.integer("JUICE_REGISTRY_PORT", 8081),
        env.string("JUICE_REGISTRY_TOPIC", Topics.SCHEMAS),
        KafkaSettings.clientOverridesFromEnv(env));
  }

  /** Client properties for the registry's own topic: bootstrap plus the KAFKA_* overrides. */
  public Map<String, Object> clientProps() {
    Map<String, Object> p = new java.util.TreeMap<>(clientOverrides);
    p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  @Override
  public String toString() {
    return "SchemaRegistryConfig[bootstrapServers=" + bootstrapServers + ", host=" + host + ", port=" + port
        + ", topic=" + topic + ", clientOverrides=" + KafkaSettings.redact(clientOverrides) + "]";
  }
}
