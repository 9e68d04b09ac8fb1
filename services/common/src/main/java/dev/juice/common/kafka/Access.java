package dev.juice.common.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Least privilege, written down once: which topics each service of a run reads and writes, which
 * consumer group and which transactional-id prefix it uses. The Kubernetes {@code KafkaUser} ACLs
 * (k8s/users.yaml) are checked against this table, and the security integration test grants exactly
 * these ACLs on a SCRAM + StandardAuthorizer broker and runs the services with them — which is what
 * shows the table matches what the code touches.
 */
public final class Access {
  /**
   * One service's grants. Group and transactional-id entries are prefixes (a service's replicas add
   * their instance id).
   */
  public record Grant(String user, Set<String> read, Set<String> write, Set<String> groupPrefixes,
      Set<String> transactionalIdPrefixes, Set<String> createPrefixes) {}

  private Access() {}

  /** The services of a run, by user name {@code juice-<service>}. */
  public static Map<String, Grant> forRun(Topics t) {
    Map<String, Grant> m = new LinkedHashMap<>();
    String ingestApp = t.groupId("ingest");
    m.put("ingest", new Grant("juice-ingest",
        set(t.demonstrationsRaw(), t.preferencesRaw(), ingestApp + "-"),
        set(t.demonstrations(), t.preferences(), t.deadLetters(), ingestApp + "-"),
        set(ingestApp), set(ingestApp), set(ingestApp + "-")));
    m.put("sampler", new Grant("juice-sampler",
        set(t.rollouts(), t.weights()),
        set(t.samples(), t.deadLetters(), t.metrics()),
        set(t.groupId("sampler")), set(t.groupId("sampler")), Set.of()));
    m.put("scorer", new Grant("juice-scorer",
        set(t.samples(), t.weights()),
        set(t.scored(), t.deadLetters(), t.metrics()),
        set(t.groupId("scorer")), set(t.groupId("scorer")), Set.of()));
    m.put("policy-trainer", new Grant("juice-policy-trainer",
        set(t.demonstrations(), t.weights(), t.rollouts(), t.samples(), t.scored()),
        set(t.weights(), t.rollouts(), t.metrics()),
        set(t.groupId("policy-trainer")), set(t.groupId("policy-trainer")), Set.of()));
    m.put("reward-trainer", new Grant("juice-reward-trainer",
        set(t.demonstrations(), t.preferences(), t.weights(), t.rollouts(), t.samples()),
        set(t.weights(), t.metrics()),
        set(t.groupId("reward-trainer")), set(t.groupId("reward-trainer")), Set.of()));
    m.put("evaluator", new Grant("juice-evaluator",
        set(t.weights()),
        set(t.metrics()),
        Set.of(), Set.of(), Set.of()));
    // the experiment driver (`juice run --external-services`): feeds raw data, publishes the base model,
    // follows ingest's progress and reads the results back. It must see ingest's internal topics (the
    // dedupe hop's repartition topic): without them the group's lag reads 0 as soon as the raw topic is
    // consumed, while records still wait in the repartition topic
    m.put("driver", new Grant("juice-driver",
        set(t.demonstrations(), t.preferences(), t.deadLetters(), t.weights(), t.metrics(), ingestApp + "-"),
        set(t.demonstrationsRaw(), t.preferencesRaw(), t.weights(), t.metrics()),
        set(ingestApp), set(t.groupId("launcher")), Set.of()));
    return m;
  }

  /**
   * The grant as Kafka ACL bindings (for {@code Admin.createAcls} on a cluster without Strimzi's
   * user operator): read topics READ+DESCRIBE, written ones WRITE+DESCRIBE, create prefixes
   * CREATE+DESCRIBE_CONFIGS, groups READ+DESCRIBE, transactional ids WRITE+DESCRIBE. A topic name
   * ending in '-' is a prefix; groups and transactional ids are prefixes.
   */
  public static List<org.apache.kafka.common.acl.AclBinding> aclBindings(Grant g) {
    List<org.apache.kafka.common.acl.AclBinding> out = new java.util.ArrayList<>();
    String principal = "User:" + g.user();
    for (String t : g.read()) bind(out, principal, org.apache.kafka.common.resource.ResourceType.TOPIC, t, t.endsWith("-"), "READ", "DESCRIBE");
    for (String t : g.write()) bind(out, principal, org.apache.kafka.common.resource.ResourceType.TOPIC, t, t.endsWith("-"), "WRITE", "DESCRIBE");
    for (String t : g.createPrefixes()) {
      bind(out, principal, org.apache.kafka.common.resource.ResourceType.TOPIC, t, true, "CREATE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "DELETE");
    }
    for (String gr : g.groupPrefixes()) bind(out, principal, org.apache.kafka.common.resource.ResourceType.GROUP, gr, true, "READ", "DESCRIBE");
    for (String tx : g.transactionalIdPrefixes()) {
      bind(out, principal, org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID, tx, true, "WRITE", "DESCRIBE");
    }
    return out;
  }

  private static void bind(List<org.apache.kafka.common.acl.AclBinding> out, String principal,
      org.apache.kafka.common.resource.ResourceType type, String name, boolean prefix, String... ops) {
    var pattern = new org.apache.kafka.common.resource.ResourcePattern(type, name,
        prefix ? org.apache.kafka.common.resource.PatternType.PREFIXED : org.apache.kafka.common.resource.PatternType.LITERAL);
    for (String op : ops) {
      out.add(new org.apache.kafka.common.acl.AclBinding(pattern, new org.apache.kafka.common.acl.AccessControlEntry(principal, "*",
          org.apache.kafka.common.acl.AclOperation.valueOf(op), org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
    }
  }

  private static Set<String> set(String... s) {
    return new TreeSet<>(List.of(s));
  }
}
