package dev.juice.common.weights;

import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.Hashing;
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
   * Re-reads the topic every {@code every} until the newest version of {@code model} satisfies
   * {@code done}; each newest version seen is passed to {@code done}. Returns it, or null once
   * {@code running} turns false or {@code timeout} passes.
   */
  public static Loaded await(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String model,
      java.util.function.Predicate<Loaded> done, Duration every, Duration timeout, java.util.function.BooleanSupplier running)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running.getAsBoolean() && System.nanoTime() < deadline) {
      var latest = read(clientProps, registry, topic, Duration.ofMinutes(2)).latest(model);
      if (latest.isPresent() && done.test(latest.get())) return latest.get();
      Thread.sleep(every.toMillis());
    }
    return null;
  }

  public static WeightSnapshot read(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Duration timeout) {
    Map<String, TreeMap<Long, Map<Integer, byte[]>>> chunks = new HashMap<>();
    Map<String, Loaded> newest = new HashMap<>();
    TopicReader.read(clientProps, topic, Map.of(), new StringDeserializer(),
        AvroDeserializer.<SpecificRecord>specificByWriterSchema(registry), timeout, r -> {
          if (r.value() instanceof WeightChunk c) {
            ByteBuffer data = c.getData();
            byte[] bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
            chunks.computeIfAbsent(c.getModel(), k -> new TreeMap<>())
                .computeIfAbsent(c.getVersion(), k -> new HashMap<>()).put(c.getIndex(), bytes);
          } else if (r.value() instanceof ModelManifest m) {
            Map<Integer, byte[]> parts = chunks.getOrDefault(m.getModel(), new TreeMap<>()).get(m.getVersion());
            byte[] blob = assemble(m, parts);
            Loaded prev = newest.get(m.getModel());
            if (blob != null && (prev == null || prev.version() < m.getVersion())) newest.put(m.getModel(), new Loaded(m, blob));
            chunks.getOrDefault(m.getModel(), new TreeMap<>()).headMap(m.getVersion(), true).clear();
          }
        });
    return new WeightSnapshot(newest);
  }

  /** The blob when every chunk is there and the sha256 matches; null otherwise. */
  static byte[] assemble(ModelManifest m, Map<Integer, byte[]> parts) {
    if (parts == null || parts.size() != m.getChunkCount()) return null;
    byte[] blob = new byte[(int) m.getByteSize()];
    int off = 0;
    for (int i = 0; i < m.getChunkCount(); i++) {
      byte[] c = parts.get(i);
      if (c == null || off + c.length > blob.length) return null;
      System.arraycopy(c, 0, blob, off, c.length);
      off += c.length;
    }
    return off == blob.length && Hashing.sha256Hex(blob).equals(m.getSha256()) ? blob : null;
  }

  public Optional<Loaded> latest(String model) {
    return Optional.ofNullable(newest.get(model));
  }
}
