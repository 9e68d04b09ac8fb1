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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes weight versions to {@code juice.<run>.weights}: the blob in chunks of at most 1,000,000
 * bytes, then the manifest (sizes, sha256, lineage), all in one Kafka transaction, so a reader sees
 * a version whole or not at all. Keys are {@code <model>/chunk/<i>} and {@code <model>/manifest}: in
 * the compacted topic the newest version of each model survives. A trainer can add its input
 * offsets to the same transaction through {@link #producer()}.
 */
public final class WeightPublisher implements AutoCloseable {
  public static final int MAX_CHUNK = 1_000_000;

  private final String topic;
  private final String runId;
  private final KafkaProducer<String, SpecificRecord> producer;

  public WeightPublisher(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, String runId,
      String transactionalId) {
    this.topic = topic;
    this.runId = runId;
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    AvroSerializer<SpecificRecord> values = new AvroSerializer<SpecificRecord>(registry, true, false)
        .withStrategy(AvroSerializer.SubjectNameStrategy.TOPIC_RECORD);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), values);
    producer.initTransactions();
  }

  /** What to publish besides the bytes. */
  public record Version(String model, ModelKind kind, long version, Long parentVersion, long step, String algorithm,
      Map<String, Double> metrics) {}

  /** Publishes one version; returns its manifest once the transaction committed. */
  public ModelManifest publish(Version v, byte[] blob) {
    int count = Math.max(1, (blob.length + MAX_CHUNK - 1) / MAX_CHUNK);
    ModelManifest manifest = ModelManifest.newBuilder()
        .setRunId(runId).setModel(v.model()).setKind(v.kind()).setVersion(v.version())
        .setParentVersion(v.parentVersion()).setStep(v.step()).setAlgorithm(v.algorithm())
        .setByteSize(blob.length).setSha256(Hashing.sha256Hex(blob)).setChunkCount(count)
        .setMetrics(v.metrics() == null ? Map.of() : v.metrics()).setCreatedAt(Instant.now()).build();
    producer.beginTransaction();
    try {
      for (int i = 0; i < count; i++) {
        byte[] slice = Arrays.copyOfRange(blob, i * MAX_CHUNK, Math.min(blob.length, (i + 1) * MAX_CHUNK));
        WeightChunk chunk = WeightChunk.newBuilder().setRunId(runId).setModel(v.model()).setVersion(v.version())
            .setIndex(i).setCount(count).setData(ByteBuffer.wrap(slice)).build();
        producer.send(new ProducerRecord<>(topic, 0, v.model() + "/chunk/" + i, chunk));
      }
      producer.send(new ProducerRecord<>(topic, 0, v.model() + "/manifest", manifest));
      producer.commitTransaction();
    } catch (RuntimeException e) {
      producer.abortTransaction();
      throw e;
    }
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
