package dev.juice.common.weights;

import dev.juice.avro.ModelKind;
import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.Hashing;
import dev.juice.common.avro.AvroSerializer;
import dev.juice.common.avro.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes weight versions to {@code juice.<run>.weights}: the blob in chunks of at most 1,000,000
 * bytes, then the manifest (sizes, sha256, lineage), all in one Kafka transaction, so a reader sees
 * a version whole or not at all. Keys are {@code <model>/chunk/<i>} and {@code <model>/manifest}: in
 * the compacted topic the newest version of each model survives. A trainer can add its input
 * offsets to the same transaction through {@link #producer()}.
 *
 * <p>A blob larger than the {@link ClaimCheck}'s threshold does not go to the log: it is written to the
 * shared weights directory before the transaction starts, and the manifest carries its URI with
 * {@code chunkCount} 0 (the claim check). Readers verify size and sha256 before they switch.
 */
public final class WeightPublisher implements AutoCloseable {
  public static final int MAX_CHUNK = 1_000_000;
  /** What every Juice blob is: {@code WeightsCodec}'s encoding (config, tokenizer, parameters). */
  public static final String FORMAT = "juice-weights-v2";

  private final String topic;
  private final String runId;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final ClaimCheck claimCheck;

  /** A publisher with the claim check this process's environment configures ({@link ClaimCheck#fromEnvironment()}). */
  public WeightPublisher(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String runId,
      String transactionalId) {
    this(clientProps, registry, topic, runId, transactionalId, ClaimCheck.fromEnvironment());
  }

  public WeightPublisher(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String runId,
      String transactionalId, ClaimCheck claimCheck) {
    this.topic = topic;
    this.runId = runId;
    this.claimCheck = java.util.Objects.requireNonNull(claimCheck, "claimCheck");
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    // the weights topic holds two record types (subjects per record); records a trainer adds to the
    // same transaction (rollouts, ...) use the usual one subject per topic
    AvroSerializer<SpecificRecord> weightValues = new AvroSerializer<SpecificRecord>(registry, true, false)
        .withStrategy(AvroSerializer.SubjectNameStrategy.TOPIC_RECORD);
    AvroSerializer<SpecificRecord> otherValues = new AvroSerializer<>(registry, true, false);
    Serializer<SpecificRecord> values = (t, record) -> t.equals(topic)
        ? weightValues.serialize(t, record) : otherValues.serialize(t, record);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), values);
    producer.initTransactions();
  }

  /** What to publish besides the bytes. */
  public record Version(String model, ModelKind kind, long version, Long parentVersion, long step, String algorithm,
      Map<String, Double> metrics) {}

  /** A version and its bytes. */
  public record Entry(Version version, byte[] blob) {}

  /** Publishes one version; returns its manifest once the transaction committed. */
  public ModelManifest publish(Version v, byte[] blob) {
    return publish(List.of(new Entry(v, blob)), List.of(), Map.of(), null).get(0);
  }

  /**
   * Publishes versions of one or more models, further records and the consumed input offsets in one
   * transaction: after a crash either all of it is visible or none, so a trainer resumes from its
   * last version with exactly the inputs it had not used yet.
   *
   * @param extra records for other topics (rollout requests, ...)
   * @param offsets input offsets to commit for {@code group} (empty: none)
   * @param group the consumer group whose offsets are committed; null when {@code offsets} is empty
   */
  public List<ModelManifest> publish(List<Entry> versions, List<ProducerRecord<String, SpecificRecord>> extra,
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    List<ModelManifest> manifests = new ArrayList<>();
    // claim-checked blobs are on disk (content-addressed, complete) before the manifest can be seen
    List<String> shas = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    for (Entry e : versions) {
      String sha = Hashing.sha256Hex(e.blob());
      shas.add(sha);
      uris.add(claimCheck.applies(e.blob().length)
          ? claimCheck.put(runId, e.version().model(), sha, e.blob()).toString() : null);
    }
    producer.beginTransaction();
    try {
      for (int i = 0; i < versions.size(); i++) {
        manifests.add(send(versions.get(i).version(), versions.get(i).blob(), shas.get(i), uris.get(i)));
      }
      for (ProducerRecord<String, SpecificRecord> r : extra) producer.send(r);
      if (!offsets.isEmpty()) producer.sendOffsetsToTransaction(offsets, group);
      producer.commitTransaction();
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
    return manifests;
  }

  private ModelManifest send(Version v, byte[] blob, String sha256, String uri) {
    int count = uri != null ? 0 : Math.max(1, (blob.length + MAX_CHUNK - 1) / MAX_CHUNK);
    ModelManifest manifest = ModelManifest.newBuilder()
        .setRunId(runId).setModel(v.model()).setKind(v.kind()).setVersion(v.version())
        .setParentVersion(v.parentVersion()).setStep(v.step()).setAlgorithm(v.algorithm())
        .setFormat(FORMAT).setByteSize(blob.length).setSha256(sha256).setChunkCount(count).setUri(uri)
        .setMetrics(v.metrics() == null ? Map.of() : v.metrics()).setCreatedAt(Instant.now()).build();
    for (int i = 0; i < count; i++) {
      byte[] slice = Arrays.copyOfRange(blob, i * MAX_CHUNK, Math.min(blob.length, (i + 1) * MAX_CHUNK));
      WeightChunk chunk = WeightChunk.newBuilder().setRunId(runId).setModel(v.model()).setVersion(v.version())
          .setIndex(i).setCount(count).setData(ByteBuffer.wrap(slice)).build();
      producer.send(new ProducerRecord<>(topic, 0, v.model() + "/chunk/" + i, chunk));
    }
    producer.send(new ProducerRecord<>(topic, 0, v.model() + "/manifest", manifest));
    return manifest;
  }

  /** The transactional producer, for callers that add their own records or offsets to a transaction. */
  public KafkaProducer<String, SpecificRecord> producer() {
    return producer;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
