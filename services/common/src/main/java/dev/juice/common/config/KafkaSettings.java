package dev.juice.common.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Connection settings shared by every service: bootstrap servers, registry URL, and Kafka client
 * pass-through settings from {@code KAFKA_*} variables ({@code KAFKA_SASL_MECHANISM} becomes
 * {@code sasl.mechanism}). Pass-through names are checked against the Kafka clients' known config
 * names, so a typo fails at start instead of being ignored. {@link #toString()} redacts secrets.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl schema registry base URL
 * @param clientOverrides extra Kafka client settings (security, tuning)
 */
public record KafkaSettings(String bootstrapServers, String registryUrl, Map<String, String> clientOverrides) {
  public static final String BOOTSTRAP = "JUICE_BOOTSTRAP";
  public static final String REGISTRY = "JUICE_REGISTRY";

  private static final Set<String> KNOWN = knownClientConfigs();

  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    clientOverrides = Map.copyOf(clientOverrides);
    for (String key : clientOverrides.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new ConfigException("'" + key + "' is not a Kafka client setting");
      }
    }
  }

  public static KafkaSettings of(String bootstrapServers, String registryUrl) {
    return new KafkaSettings(bootstrapServers, registryUrl, Map.of());
  }

  /** Reads JUICE_BOOTSTRAP, JUICE_REGISTRY and every KAFKA_* variable. */
  public static KafkaSettings fromEnv(Env env) {
    return new KafkaSettings(env.required(BOOTSTRAP), env.required(REGISTRY), clientOverridesFromEnv(env));
  }

  /**
   * Kafka client settings from KAFKA_* variables ({@code KAFKA_SASL_MECHANISM} → {@code sasl.mechanism}),
   * each checked against the clients' known config names.
   */
  public static Map<String, String> clientOverridesFromEnv(Env env) {
    Map<String, String> overrides = new TreeMap<>();
    for (Map.Entry<String, String> e : env.asMap().entrySet()) {
      if (!e.getKey().startsWith("KAFKA_")) continue;
      String key = e.getKey().substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (!KNOWN.contains(key)) {
        throw new ConfigException(
            e.getKey() + " maps to '" + key + "', which is not a Kafka client setting");
      }
      overrides.put(key, e.getValue());
    }
    return overrides;
  }

  /**
   * For the CLI on a user's machine: KAFKA_* variables that are Kafka client settings, ignoring
   * others (KAFKA_HOME, KAFKA_OPTS, ...) instead of failing; services use the strict form.
   */
  public static KafkaSettings withClientSettingsFromEnv(String bootstrap, String registryUrl, Map<String, String> env) {
    Map<String, String> overrides = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("KAFKA_")) continue;
      String key = e.getKey().substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (KNOWN.contains(key)) overrides.put(key, e.getValue());
    }
    return new KafkaSettings(bootstrap, registryUrl, overrides);
  }

  /** Base client properties: bootstrap plus pass-through overrides. */
  public Map<String, Object> clientProps() {
    Map<String, Object> p = new TreeMap<>(clientOverrides);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  public KafkaSettings withOverrides(Map<String, String> more) {
    Map<String, String> m = new TreeMap<>(clientOverrides);
    m.putAll(more);
    return new KafkaSettings(bootstrapServers, registryUrl, m);
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
        || k.endsWith(".key");
  }

  /** Any map rendered with secret values replaced by {@code [redacted]}. */
  public static String redact(Map<String, ?> props) {
    return new TreeMap<>(props)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "[redacted]" : e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl
        + ", clientOverrides=" + redact(clientOverrides) + "]";
  }

  private static Set<String> knownClientConfigs() {
    Set<String> s = new TreeSet<>();
    s.addAll(ProducerConfig.configNames());
    s.addAll(ConsumerConfig.configNames());
    s.addAll(AdminClientConfig.configNames());
    s.addAll(StreamsConfig.configDef().names());
    return Set.copyOf(s);
  }
}
