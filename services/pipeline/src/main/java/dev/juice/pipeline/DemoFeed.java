package dev.juice.pipeline;

import dev.juice.avro.Demonstration;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.model.pipeline.Demo;
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
 * Every demonstration of a run, followed from the beginning of {@code juice.<run>.demonstrations}
 * (read_committed, no group: the topic is the record of what the run knows). {@link #catchUp} reads
 * up to the end offsets at the time of the call, so demonstrations ingested while a run trains join
 * the pool at the next round.
 */
public final class DemoFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoFeed.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<Demonstration> values;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<String, Demo> demos = new LinkedHashMap<>();
  private final String topic;
  private long unreadable;

  public DemoFeed(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(ClientProps.consumer(clientProps, null, 2_000), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.values = new AvroDeserializer<>(registry, Demonstration.class);
    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads everything committed up to now; returns how many new demonstrations arrived. */
  public int catchUp(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    int added = 0;
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out reading " + topic);
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        try {
          Demonstration d = values.deserialize(topic, r.value());
          if (demos.putIfAbsent(d.getId(), Convert.demo(d)) == null) added++;
        } catch (SerializationException e) {
          unreadable++; // ingest writes only valid Avro here; a foreign writer's record is skipped, not fatal
          log.warn("{} partition {} offset {}: not a demonstration ({}); skipped", topic, r.partition(), r.offset(), e.getMessage());
        }
      }
    }
    return added;
  }

  /** Blocks until at least {@code n} demonstrations are known. */
  public void awaitAtLeast(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (catchUp(timeout) >= 0 && demos.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + demos.size() + " demonstrations in " + topic + " after " + timeout);
      }
      Thread.sleep(200);
    }
  }

  public Collection<Demo> all() {
    return Collections.unmodifiableCollection(demos.values());
  }

  public Map<String, Demo> byId() {
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
