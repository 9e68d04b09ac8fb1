package dev.juice.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads committed records of a topic between two offset snapshots, without joining a group. An
 * undecodable record is skipped with a warning (one garbage record must not stop every start of a
 * trainer); a record whose schema the registry cannot serve right now is read again.
 */
public final class TopicReader {
  private TopicReader() {}

  /**
   * Calls {@code each} for every committed record at or after {@code from} (missing partitions: from
   * the beginning) and before the topic's end at the time of the call.
   */
  public static <K, V> long read(Map<String, Object> clientProps, String topic, Map<TopicPartition, Long> from,
      Deserializer<K> kd, Deserializer<V> vd, Duration timeout, Consumer<ConsumerRecord<K, V>> each) {
    long[] n = {0};
    readOn(clientProps, topic, from, kd, vd, timeout, r -> {
      each.accept(r);
      n[0]++;
    });
    return n[0];
  }

  /**
   * As {@link #read}, and returns where the next read of the topic starts (the end this one stopped
   * at, per partition) — for a caller that follows a topic by reading only what was committed since.
   */
  public static <K, V> Map<TopicPartition, Long> readOn(Map<String, Object> clientProps, String topic,
      Map<TopicPartition, Long> from, Deserializer<K> kd, Deserializer<V> vd, Duration timeout,
      Consumer<ConsumerRecord<K, V>> each) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<K, V> c = new KafkaConsumer<>(p, kd, vd)) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      for (TopicPartition tp : tps) {
        Long start = from.get(tp);
        if (start != null) c.seek(tp, start);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, Long> end = settledEnd(clientProps, c, tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out after " + timeout + " reading " + topic);
        }
        for (ConsumerRecord<K, V> r : SafePoll.poll(c, Duration.ofMillis(100), (e, skipped) -> { })) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) each.accept(r);
        }
      }
      return end;
    }
  }

  /**
   * The read_committed end (last stable offset) once it has caught up with the high watermark, or
   * after 5 s. Right after a transaction commits, its markers may not be written yet, and a reader
   * that stopped at the old LSO would miss records that are already committed.
   */
  static Map<TopicPartition, Long> settledEnd(Map<String, Object> clientProps, KafkaConsumer<?, ?> c,
      List<TopicPartition> tps) {
    Map<String, Object> ap = new HashMap<>(clientProps);
    ap.keySet().retainAll(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(ap)) {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> spec = new HashMap<>();
      tps.forEach(tp -> spec.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
      Map<TopicPartition, Long> hw = new HashMap<>();
      admin.listOffsets(spec, new org.apache.kafka.clients.admin.ListOffsetsOptions(
          org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)).all().get()
          .forEach((tp, info) -> hw.put(tp, info.offset()));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (true) {
        Map<TopicPartition, Long> lso = c.endOffsets(tps);
        // a commit marker takes one offset, so a settled LSO reaches the high watermark seen before
        boolean settled = tps.stream().allMatch(tp -> lso.get(tp) >= hw.get(tp));
        if (settled || System.nanoTime() > deadline) return lso;
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return c.endOffsets(tps);
    } catch (java.util.concurrent.ExecutionException e) {
      return c.endOffsets(tps);
    }
  }
}
