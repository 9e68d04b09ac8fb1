package dev.juice.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies the committed records of one topic to another, bytes, keys and headers unchanged (Avro
 * values keep their schema ids: both topics share the registry), in one transaction, into the same
 * partition number when the target has it. Replays use it to give a new run an old run's inputs
 * without touching the old run's topics.
 */
public final class TopicCopy {
  private TopicCopy() {}

  /** @return records copied */
  public static long copy(Map<String, Object> clientProps, String from, String to, Predicate<ConsumerRecord<byte[], byte[]>> keep,
      String transactionalId) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 * 1024 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    long[] n = {0};
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int partitions = producer.partitionsFor(to).size();
      producer.initTransactions();
      producer.beginTransaction();
      try {
        TopicReader.read(clientProps, from, Map.of(), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
            Duration.ofMinutes(10), r -> {
              if (!keep.test(r)) return;
              Integer partition = r.partition() < partitions ? r.partition() : null;
              producer.send(new ProducerRecord<>(to, partition, r.key(), r.value(), r.headers()));
              n[0]++;
            });
        producer.commitTransaction();
      } catch (RuntimeException e) {
        producer.abortTransaction();
        throw e;
      }
    }
    return n[0];
  }
}
