package dev.juice.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainer's input (samples or scored samples), gathered round by round. The trainer owns every
 * partition (it is one writer per run), starts at the offsets it committed with its last published
 * version, and commits, in the transaction of its next version, offsets that skip exactly the records
 * it used: records of later rounds that arrived early stay uncommitted, so a restarted trainer sees
 * them again.
 */
public final class RoundInputs<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RoundInputs.class);

  private record Held<T>(TopicPartition tp, long offset, T value) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final String groupId;
  private final Function<byte[], T> decode;
  private final ToIntFunction<T> roundOf;
  private final Function<T, String> idOf;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final TreeMap<Integer, List<Held<T>>> byRound = new TreeMap<>();
  private final Set<String> seen = new HashSet<>();
  private long duplicates;
  private long undecodable;

  /**
   * @param decode bytes → value; a record that fails to decode is counted and skipped
   * @param roundOf the run-wide round index of a value
   * @param idOf a value's unique id (duplicates are counted and dropped)
   */
  public RoundInputs(Map<String, Object> clientProps, String topic, String groupId, Function<byte[], T> decode,
      ToIntFunction<T> roundOf, Function<T, String> idOf) {
    this.groupId = groupId;
    this.decode = decode;
    this.roundOf = roundOf;
    this.idOf = idOf;
    this.consumer = new KafkaConsumer<>(ClientProps.consumer(clientProps, groupId, 5_000), new StringDeserializer(),
        new ByteArrayDeserializer());
    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) consumer.seekToBeginning(List.of(tp));
      else consumer.seek(tp, o.offset());
    }
  }

  /** What a round gathered. */
  public record Gathered<T>(List<T> accepted, int dropped) {}

  /**
   * Polls until {@code expected} records of the round arrived (accepted or dropped by {@code accept}).
   * Records of earlier rounds are ignored; later rounds' are kept for their turn.
   */
  public Gathered<T> await(int round, int expected, Predicate<T> accept, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (byRound.getOrDefault(round, List.of()).size() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("round " + round + ": " + byRound.getOrDefault(round, List.of()).size()
            + " of " + expected + " inputs after " + timeout);
      }
      java.util.Set<TopicPartition> again = new java.util.HashSet<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (again.contains(tp)) continue; // re-read from the record the registry could not serve
        T v;
        try {
          v = decode.apply(r.value());
        } catch (RuntimeException e) {
          if (dev.juice.common.avro.RegistryUnavailableException.in(e)) {
            // a registry outage, not a bad input: read the record again instead of losing a sample of the round
            dev.juice.common.kafka.SafePoll.readAgainLater(consumer, tp, r.offset());
            again.add(tp);
            continue;
          }
          undecodable++;
          log.warn("{} offset {}: undecodable input skipped ({})", tp, r.offset(), e.getMessage());
          continue;
        }
        if (!seen.add(idOf.apply(v))) {
          duplicates++;
          continue;
        }
        int k = roundOf.applyAsInt(v);
        if (k < round) continue;
        byRound.computeIfAbsent(k, x -> new ArrayList<>()).add(new Held<>(tp, r.offset(), v));
      }
    }
    List<T> accepted = new ArrayList<>();
    int dropped = 0;
    for (Held<T> h : byRound.get(round)) {
      if (accept.test(h.value())) accepted.add(h.value());
      else dropped++;
    }
    return new Gathered<>(accepted, dropped);
  }

  /** Forgets a round's records once they are used. */
  public void release(int round) {
    byRound.headMap(round, true).clear();
  }

  /** Offsets to commit: per partition, the first record still held, else the position. */
  public Map<TopicPartition, OffsetAndMetadata> offsets() {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (TopicPartition tp : partitions) first.put(tp, consumer.position(tp));
    byRound.values().forEach(list -> list.forEach(h -> first.merge(h.tp(), h.offset(), Math::min)));
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    first.forEach((tp, o) -> out.put(tp, new OffsetAndMetadata(o)));
    return out;
  }

  public ConsumerGroupMetadata group() {
    return new ConsumerGroupMetadata(groupId);
  }

  public long duplicates() {
    return duplicates;
  }

  public long undecodable() {
    return undecodable;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
