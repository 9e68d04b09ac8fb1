package dev.juice.common.kafka;

import dev.juice.common.avro.RegistryUnavailableException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code poll} for consumers whose deserialisers can fail. A record that cannot be decoded (garbage
 * from a foreign writer) is skipped — the consumer seeks past it and the caller is told — instead of
 * throwing out of every later poll; when the schema registry is only unavailable, the same record is
 * read again after a pause, so a registry blip never turns into a lost record.
 */
public final class SafePoll {
  private static final Logger log = LoggerFactory.getLogger(SafePoll.class);
  /** Pause before re-reading a record whose schema the registry could not serve. */
  static final Duration REGISTRY_BACKOFF = Duration.ofMillis(500);

  private SafePoll() {}

  /** What happened to a record that could not be decoded. */
  public interface Listener {
    /** @param skipped true when the record was skipped for good, false when it will be read again */
    void onUndecodable(RecordDeserializationException e, boolean skipped);
  }

  /** One poll; empty after a record could not be decoded (the next poll goes on from the right offset). */
  public static <K, V> ConsumerRecords<K, V> poll(KafkaConsumer<K, V> consumer, Duration timeout, Listener listener) {
    try {
      return consumer.poll(timeout);
    } catch (RecordDeserializationException e) {
      boolean retry = RegistryUnavailableException.in(e);
      if (retry) {
        readAgainLater(consumer, e.topicPartition(), e.offset());
      } else {
        log.warn("{} offset {}: undecodable record skipped ({})", e.topicPartition(), e.offset(),
            e.getCause() == null ? e.getClass().getSimpleName() : e.getCause().getClass().getSimpleName());
        consumer.seek(e.topicPartition(), e.offset() + 1);
      }
      listener.onUndecodable(e, !retry);
      return ConsumerRecords.empty();
    }
  }

  /**
   * The record at {@code offset} could not be read because the schema registry did not answer: wait
   * {@link #REGISTRY_BACKOFF} and seek back to it, so the next poll reads it again. The caller skips
   * the partition's remaining records of the current poll.
   */
  public static void readAgainLater(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, TopicPartition tp, long offset) {
    log.warn("{} offset {}: schema registry unavailable; reading the record again in {} ms", tp, offset, REGISTRY_BACKOFF.toMillis());
    try {
      Thread.sleep(REGISTRY_BACKOFF.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    consumer.seek(tp, offset);
  }
}
