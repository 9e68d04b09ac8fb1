package dev.juice.common.weights;

import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.TopicReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The newest verified version of every model on a weights topic, read once up to the topic's end
 * (read_committed). Trainers call it on start to resume from their last published version;
 * {@link WeightSubscriber} is the live counterpart.
 */
public final class WeightSnapshot {
  /** A verified version. */
  public record Loaded(ModelManifest manifest, byte[] blob) {
    public long version() {
      return manifest.getVersion();
    }

    public double metric(String name, double fallback) {
      Double v = manifest.getMetrics().get(name);
      return v == null ? fallback : v;
    }
  }

  private final Map<String, Loaded> newest;

  private WeightSnapshot(Map<String, Loaded> newest) {
    this.newest = newest;
  }

  /**
   * Follows the topic every {@code every} (reading only what was committed since the last look) until
   * the newest version of {@code model} satisfies {@code done}; each newest version seen is passed to
   * {@code done}. Returns it, or null once {@code running} turns false or {@code timeout} passes.
   */
  public static Loaded await(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String model,
      java.util.function.Predicate<Loaded> done, Duration every, Duration timeout, java.util.function.BooleanSupplier running)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Follower f = new Follower(registry);
    while (running.getAsBoolean() && System.nanoTime() < deadline) {
      f.poll(clientProps, topic, Duration.ofMinutes(2)); // only what was committed since the previous poll
      Loaded latest = f.newest.get(model);
      if (latest != null && done.test(latest)) return latest;
      Thread.sleep(every.toMillis());
    }
    return null;
  }

  /**
   * One given version of a model, if the topic still holds it whole (the weights topic is compacted:
   * once compaction ran, only each model's newest version is left).
   */
  public static Optional<Loaded> readVersion(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      String model, long version, Duration timeout) {
    Follower f = new Follower(registry, (m, v) -> m.equals(model) && v == version);
    f.poll(clientProps, topic, timeout);
    return Optional.ofNullable(f.newest.get(model));
  }

  public static WeightSnapshot read(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Duration timeout) {
    Follower f = new Follower(registry);
    f.poll(clientProps, topic, timeout);
    return new WeightSnapshot(f.newest);
  }

  /**
   * Reads a weights topic in steps, each from where the previous one ended: chunks wait for their
   * manifest, a manifest whose chunks are all there and match its sha256 becomes the model's newest
   * version if it is newer, and chunks up to a manifested version are dropped.
   */
  private static final class Follower {
    private final Map<String, TreeMap<Long, Chunks>> chunks = new HashMap<>();
    private final Map<String, Loaded> newest = new HashMap<>();
    private final org.apache.kafka.common.serialization.Deserializer<SpecificRecord> values;
    private final java.util.function.BiPredicate<String, Long> wanted;
    private final ClaimCheck claimCheck;
    private Map<org.apache.kafka.common.TopicPartition, Long> next = Map.of();

    Follower(SchemaRegistryClient registry) {
      this(registry, (m, v) -> true);
    }

    /** Keeps only the versions {@code wanted} accepts. */
    Follower(SchemaRegistryClient registry, java.util.function.BiPredicate<String, Long> wanted) {
      this.values = AvroDeserializer.specificByWriterSchema(registry);
      this.wanted = wanted;
      this.claimCheck = ClaimCheck.fromEnvironment();
    }

    void poll(Map<String, Object> clientProps, String topic, Duration timeout) {
      next = TopicReader.readOn(clientProps, topic, next, new StringDeserializer(), values, timeout, r -> {
        if (r.value() instanceof WeightChunk c) {
          ByteBuffer data = c.getData();
          byte[] bytes = new byte[data.remaining()];
          data.duplicate().get(bytes);
          chunks.computeIfAbsent(c.getModel(), k -> new TreeMap<>())
              .computeIfAbsent(c.getVersion(), k -> new Chunks()).put(c.getIndex(), bytes);
        } else if (r.value() instanceof ModelManifest m) {
          Chunks parts = chunks.getOrDefault(m.getModel(), new TreeMap<>()).get(m.getVersion());
          Loaded prev = newest.get(m.getModel());
          if (wanted.test(m.getModel(), m.getVersion()) && (prev == null || prev.version() < m.getVersion())) {
            byte[] blob = assembleOrNull(m, parts, claimCheck);
            if (blob != null) newest.put(m.getModel(), new Loaded(m, blob));
          }
          chunks.getOrDefault(m.getModel(), new TreeMap<>()).headMap(m.getVersion(), true).clear();
        }
      });
    }
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WeightSnapshot.class);

  private static byte[] assembleOrNull(ModelManifest m, Chunks parts, ClaimCheck claimCheck) {
    try {
      return assemble(m, parts, claimCheck);
    } catch (ClaimCheck.Refused e) {
      log.warn("weights: {}", e.getMessage());
      return null;
    }
  }

  /**
   * The verified blob of a version: from the shared directory when the manifest carries a claim-check
   * URI, else from its chunks. Null when chunks are missing, their sizes do not add up to the
   * manifest's (checked before anything is allocated) or the sha256 does not match.
   *
   * @throws ClaimCheck.Refused when a claim-checked blob cannot be fetched or verified
   */
  static byte[] assemble(ModelManifest m, Chunks parts, ClaimCheck claimCheck) throws ClaimCheck.Refused {
    if (m.getUri() != null) return claimCheck.fetch(m);
    return parts == null ? null : parts.assemble(m);
  }

  public Optional<Loaded> latest(String model) {
    return Optional.ofNullable(newest.get(model));
  }
}
