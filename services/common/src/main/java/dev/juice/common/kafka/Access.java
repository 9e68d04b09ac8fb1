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
    // follows ingest's progress and reads the results back
    m.put("driver", new Grant("juice-driver",
        set(t.demonstrations(), t.preferences(), t.deadLetters(), t.weights(), t.metrics()),
        set(t.demonstrationsRaw(), t.preferencesRaw(), t.weights(), t.metrics()),
        set(ingestApp), set(t.groupId("launcher")), Set.of()));
    return m;
  }

  private static Set<String> set(String... s) {
    return new TreeSet<>(List.of(s));
  }
}
