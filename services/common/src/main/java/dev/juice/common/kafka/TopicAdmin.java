package dev.juice.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics of a run idempotently, with partitions and retention chosen in one place. */
public final class TopicAdmin {
  /** Topic and its settings. */
  public record TopicSpec(String name, int partitions, Map<String, String> config) {}

  private TopicAdmin() {}

  /**
   * Layout of a run's topics: worker topics get {@code partitions} partitions (the ceiling on sampler
   * and scorer replicas), the weights topic is compacted with room for 1,000,000-byte chunks, the rest
   * keep everything (replay needs it) within the broker's byte bounds.
   */
  public static List<TopicSpec> layout(Topics t, int partitions) {
    Map<String, String> keep = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    // raw ingress takes oversized junk too (up to 4 MiB; the DLQ a little more, for headers), so ingest can reject it as data
    Map<String, String> ingress = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024));
    List<TopicSpec> specs = new ArrayList<>();
    specs.add(new TopicSpec(t.demonstrationsRaw(), partitions, ingress));
    specs.add(new TopicSpec(t.preferencesRaw(), partitions, ingress));
    for (String name : List.of(t.demonstrations(), t.preferences(), t.rollouts(), t.samples(), t.scored())) {
      specs.add(new TopicSpec(name, partitions, keep));
    }
    specs.add(new TopicSpec(t.deadLetters(), 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(5 * 1024 * 1024 + 64 * 1024))));
    specs.add(new TopicSpec(t.metrics(), 1, keep));
    specs.add(new TopicSpec(t.weights(), 1, Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024),
        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000")));
    return specs;
  }

  /** Creates whatever of the specs does not exist yet; existing topics are left as they are. */
  public static void ensure(Admin admin, List<TopicSpec> specs) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> create = new ArrayList<>();
      for (TopicSpec s : specs) {
        if (!existing.contains(s.name())) {
          // replication: the cluster's default.replication.factor (1 on the embedded broker)
          create.add(new NewTopic(s.name(), java.util.Optional.of(s.partitions()), java.util.Optional.empty()).configs(s.config()));
        }
      }
      if (create.isEmpty()) return;
      for (var r : admin.createTopics(create).values().entrySet()) {
        try {
          r.getValue().get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) continue;
          if (e.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException
              || e.getCause() instanceof org.apache.kafka.common.errors.ClusterAuthorizationException) {
            // least privilege: this principal may neither see nor create it; an operator
            // (KafkaTopic resources, `juice topics` as admin) owns the layout
            org.slf4j.LoggerFactory.getLogger(TopicAdmin.class).debug("not authorized to create {}; left to the operator", r.getKey());
            continue;
          }
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
