package dev.juice.pipeline;

import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every record of an input topic a run learns from (demonstrations, preference pairs), followed from
 * the beginning (read_committed, no group: the topic is the record of what the run knows), keyed by
 * the record's id (first one wins). {@link #catchUp} reads up to the end offsets at the time of the
 * call, so records ingested while a run trains join at the next round.
 */
public class TopicFeed<A extends org.apache.avro.specific.SpecificRecord, T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<A> values;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<String, T> demos = new LinkedHashMap<>();
  private final String topic;
  private final String what;
  private final java.util.function.Function<A, T> convert;
  private final java.util.function.Function<A, String> id;
  private long unreadable;

  protected TopicFeed(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic, Class<A> type, String what,
      java.util.function.Function<A, String> id, java.util.function.Function<A, T> convert) {
    this.topic = topic;
    this.what = what;
    this.id = id;
    this.convert = convert;
    this.consumer = new KafkaConsumer<>(ClientProps.consumer(clientProps, null, 2_000), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.values = new AvroDeserializer<>(registry, type);
    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads everything committed up to now; returns how many new records arrived. */
  public int catchUp(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    int added = 0;
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out reading " + topic);
      java.util.Set<TopicPartition> again = new java.util.HashSet<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (again.contains(tp)) continue; // re-read from the record the registry could not serve
        try {
          A d = values.deserialize(topic, r.value());
          if (demos.putIfAbsent(id.apply(d), convert.apply(d)) == null) added++;
        } catch (dev.juice.common.avro.RegistryUnavailableException e) {
          // not a bad record: read it again shortly instead of skipping it for the life of the process
          dev.juice.common.kafka.SafePoll.readAgainLater(consumer, tp, r.offset());
          again.add(tp);
        } catch (SerializationException e) {
          unreadable++; // ingest writes only valid Avro here; a foreign writer's record is skipped, not fatal
          log.warn("{} partition {} offset {}: not a {} ({}); skipped", topic, r.partition(), r.offset(), what, e.getMessage());
        }
      }
    }
    return added;
  }


  /** Blocks until at least {@code n} records are known. */
  public void awaitAtLeast(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (catchUp(timeout) >= 0 && demos.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + demos.size() + " records in " + topic + " after " + timeout);
      }
      Thread.sleep(200);
    }
  }

  public Collection<T> all() {
    return Collections.unmodifiableCollection(demos.values());
  }

  public Map<String, T> byId() {
    return Collections.unmodifiableMap(demos);
  }

  public long unreadable() {
    return unreadable;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
