package dev.juice.common.weights;

import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code juice.<run>.weights} from the beginning (read_committed) on its own thread and hands
 * each new version of the watched models to a listener — only once every chunk arrived and the
 * blob's sha256 matches the manifest, and only if it is newer than the version it holds. A version
 * that fails the check is counted and skipped; the subscriber keeps the one it had. Listeners run on
 * the subscriber's thread; samplers swap their model there between batches, so in-flight work keeps
 * the version it started with.
 */
public final class WeightSubscriber implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WeightSubscriber.class);

  /** Receives verified versions. */
  public interface Listener {
    void onVersion(ModelManifest manifest, byte[] blob);
  }

  private final KafkaConsumer<String, SpecificRecord> consumer;
  private final Predicate<String> models;
  private final Listener listener;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Long> current = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Long, Chunks>> pending = new HashMap<>();
  private final AtomicLong rejected = new AtomicLong();
  private final ClaimCheck claimCheck;
  private volatile Throwable failure;

  /** A subscriber with the claim check this process's environment configures ({@link ClaimCheck#fromEnvironment()}). */
  public WeightSubscriber(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Predicate<String> models, Listener listener) {
    this(clientProps, registry, topic, models, listener, ClaimCheck.fromEnvironment());
  }

  public WeightSubscriber(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      Predicate<String> models, Listener listener, ClaimCheck claimCheck) {
    this.claimCheck = java.util.Objects.requireNonNull(claimCheck, "claimCheck");
    this.models = models;
    this.listener = listener;
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024); // a 4 MB version (chunks + manifest) in one fetch
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), AvroDeserializer.specificByWriterSchema(registry));
    TopicPartition tp = new TopicPartition(topic, 0);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    this.thread = new Thread(this::loop, "weights-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** Version currently held for a model, if any. */
  public Optional<Long> version(String model) {
    return Optional.ofNullable(current.get(model));
  }

  /** Versions refused because chunks were missing, the checksum did not match or a claim-checked blob could not be fetched. */
  public long rejected() {
    return rejected.get();
  }

  /**
   * Blocks until the model is at least at the version; false when the timeout passes first or the
   * subscriber's thread has died ({@link #failure()} says why), which no wait would mend.
   */
  public boolean await(String model, long version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (current.getOrDefault(model, -1L) < version) {
      if (System.nanoTime() > deadline || failure != null) return false;
      Thread.sleep(5);
    }
    return true;
  }

  /** Why the subscriber's thread stopped, if it died (null while it runs or after {@link #close()}). */
  public Throwable failure() {
    return failure;
  }

  private void loop() {
    try {
      while (running.get()) {
        var polled = dev.juice.common.kafka.SafePoll.poll(consumer, Duration.ofMillis(100), (e, skipped) -> {
          if (skipped) rejected.incrementAndGet();
        });
        for (ConsumerRecord<String, SpecificRecord> r : polled) {
          try {
            if (r.value() instanceof WeightChunk c && models.test(c.getModel())) {
              onChunk(c);
            } else if (r.value() instanceof ModelManifest m && models.test(m.getModel())) {
              onManifest(m);
            }
          } catch (RuntimeException e) {
            // e.g. a blob with a valid sha256 that does not decode: refused once, the version held stays
            rejected.incrementAndGet();
            log.warn("weights offset {}: record refused ({}); keeping the versions held", r.offset(), e.getClass().getSimpleName());
          }
        }
      }
    } catch (WakeupException e) {
      if (running.get()) failure = e;
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error("weights subscriber stopped: {}", e.getClass().getSimpleName(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** False once the subscriber's thread ended for any reason other than {@link #close()}: health reports it. */
  public boolean alive() {
    return failure == null && thread.isAlive() || !running.get();
  }

  private void onChunk(WeightChunk c) {
    if (c.getVersion() <= current.getOrDefault(c.getModel(), -1L)) return;
    ByteBuffer data = c.getData();
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    pending.computeIfAbsent(c.getModel(), k -> new TreeMap<>())
        .computeIfAbsent(c.getVersion(), k -> new Chunks()).put(c.getIndex(), bytes);
  }

  private void onManifest(ModelManifest m) {
    String model = m.getModel();
    long version = m.getVersion();
    TreeMap<Long, Chunks> byVersion = pending.getOrDefault(model, new TreeMap<>());
    Chunks chunks = byVersion.get(version);
    try {
      if (version <= current.getOrDefault(model, -1L)) return;
      byte[] blob;
      try {
        blob = WeightSnapshot.assemble(m, chunks, claimCheck);
      } catch (ClaimCheck.Refused e) {
        rejected.incrementAndGet();
        log.warn("weights {} v{} refused: {}; keeping v{}", model, version, e.getMessage(), current.get(model));
        return;
      }
      if (blob == null) {
        rejected.incrementAndGet();
        log.warn("weights {} v{}: {} of {} chunks present or sha256 mismatch; keeping v{}", model, version,
            chunks == null ? 0 : chunks.size(), m.getChunkCount(), current.get(model));
        return;
      }
      try {
        listener.onVersion(m, blob);
      } catch (RuntimeException e) {
        rejected.incrementAndGet();
        log.warn("weights {} v{}: the listener refused it ({}); keeping v{}", model, version, e.getClass().getSimpleName(),
            current.get(model));
        return;
      }
      current.put(model, version);
    } finally {
      byVersion.headMap(version, true).clear(); // older or failed versions will never complete
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
