package dev.juice.common.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group (or Streams application) is behind the end of its input topics. */
public final class GroupProgress {
  private GroupProgress() {}

  /**
   * Total lag of a group over the given topics plus the internal repartition topics of a Streams
   * application with that id ({@code <groupId>-*-repartition}), which it consumes too. A partition
   * with records but no committed offset counts fully.
   */
  public static long lag(Admin admin, String groupId, List<String> topics) {
    return lagIfCommitted(admin, groupId, topics, false).orElseThrow();
  }

  /**
   * The lag as {@link #lag}, or empty when the group has committed no offset at all (it never ran
   * against these topics) — one offsets request serves both answers.
   */
  public static java.util.OptionalLong lagIfCommitted(Admin admin, String groupId, List<String> topics) {
    return lagIfCommitted(admin, groupId, topics, true);
  }

  private static java.util.OptionalLong lagIfCommitted(Admin admin, String groupId, List<String> topics, boolean emptyIfNone) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      if (emptyIfNone && committed.isEmpty()) return java.util.OptionalLong.empty();
      Set<String> all = new TreeSet<>(topics);
      committed.keySet().forEach(tp -> all.add(tp.topic()));
      admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(groupId + "-") && t.endsWith("-repartition"))
          .forEach(all::add);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(all).allTopicNames().get().forEach((name, d) ->
          d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
          : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
      }
      return java.util.OptionalLong.of(lag);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the progress of group " + groupId + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** End offsets of every partition of a topic. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
    return offsets(admin, topic, OffsetSpec.latest());
  }

  /** Offsets of every partition of a topic for one spec (earliest, latest, ...). */
  public static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec which) {
    try {
      Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .forEach(p -> spec.put(new TopicPartition(topic, p.partition()), which));
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(spec).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets of " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
