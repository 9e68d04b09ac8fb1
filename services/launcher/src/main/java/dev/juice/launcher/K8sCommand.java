package dev.juice.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.juice.common.kafka.Access;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Strimzi resources of a run, generated from the code's own tables so they cannot drift:
 * {@code KafkaTopic}s from {@link TopicAdmin#layout} and {@code KafkaUser}s with least-privilege ACLs
 * from {@link Access#forRun}. k8s/topics.yaml and k8s/users.yaml are this command's output for run
 * "main" (a test keeps them equal); another run gets its own with {@code juice k8s --run NAME}.
 */
@Command(name = "k8s", mixinStandardHelpOptions = true,
    description = {"Print the Strimzi KafkaTopic or KafkaUser resources of a run (YAML).",
        "k8s/topics.yaml and k8s/users.yaml are `juice k8s topics` and `juice k8s users` for run 'main'."})
final class K8sCommand implements Callable<Integer> {
  static final String SCHEMAS_TOPIC = "_schemas"; // Confluent Schema Registry's store (k8s/schema-registry.yaml)

  @Parameters(paramLabel = "WHAT", description = "topics or users")
  String what;

  @Option(names = "--run", defaultValue = "main", description = "Run name (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics = max sampler/scorer replicas (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replicas", defaultValue = "3", description = "Replication factor (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--cluster", defaultValue = "juice", description = "Strimzi Kafka cluster name (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Override
  public Integer call() throws Exception {
    System.out.print(switch (what) {
      case "topics" -> topics(run, partitions, replicas, cluster);
      case "users" -> users(run, cluster);
      default -> throw new IllegalArgumentException("WHAT must be topics or users, not '" + what + "'");
    });
    return 0;
  }

  static ObjectMapper yaml() {
    return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  }

  static String topics(String run, int partitions, int replicas, String cluster) throws Exception {
    ObjectMapper y = yaml();
    List<ObjectNode> docs = new ArrayList<>();
    for (TopicAdmin.TopicSpec s : TopicAdmin.layout(Topics.forRun(run), partitions)) {
      docs.add(topic(y, s.name(), s.partitions(), replicas, cluster, s.config()));
    }
    docs.add(topic(y, SCHEMAS_TOPIC, 1, replicas, cluster, java.util.Map.of("cleanup.policy", "compact")));
    return join(y, "KafkaTopic per topic of run '" + run + "' (generated: juice k8s topics --run " + run + ")", docs);
  }

  private static ObjectNode topic(ObjectMapper y, String name, int partitions, int replicas, String cluster,
      java.util.Map<String, String> config) {
    ObjectNode d = y.createObjectNode().put("apiVersion", "kafka.strimzi.io/v1beta2").put("kind", "KafkaTopic");
    ObjectNode md = d.putObject("metadata").put("name", name.replace("_", "").toLowerCase(java.util.Locale.ROOT));
    md.putObject("labels").put("strimzi.io/cluster", cluster);
    ObjectNode spec = d.putObject("spec").put("topicName", name).put("partitions", partitions).put("replicas", replicas);
    ObjectNode c = spec.putObject("config");
    new java.util.TreeMap<>(config).forEach(c::put);
    if (!config.containsKey("min.insync.replicas") && replicas >= 3) c.put("min.insync.replicas", "2");
    return d;
  }

  static String users(String run, String cluster) throws Exception {
    ObjectMapper y = yaml();
    List<ObjectNode> docs = new ArrayList<>();
    for (Access.Grant g : Access.forRun(Topics.forRun(run)).values()) {
      ObjectNode d = user(y, g.user(), cluster);
      ArrayNode acls = (ArrayNode) d.get("spec").get("authorization").get("acls");
      // the same bindings the security test grants on a real broker, one Strimzi entry per resource pattern
      Map<ResourcePattern, java.util.SortedSet<AclOperation>> byPattern = new LinkedHashMap<>();
      for (AclBinding b : Access.aclBindings(g)) byPattern.computeIfAbsent(b.pattern(), p -> new java.util.TreeSet<>()).add(b.entry().operation());
      byPattern.forEach((p, ops) -> acl(acls, strimziType(p.resourceType()), p.name(), ops.stream().map(K8sCommand::strimziOperation).toList(),
          p.patternType() == PatternType.PREFIXED));
      docs.add(d);
    }
    ObjectNode sr = user(y, "schema-registry", cluster);
    ArrayNode acls = (ArrayNode) sr.get("spec").get("authorization").get("acls");
    acl(acls, "topic", SCHEMAS_TOPIC, List.of("Read", "Write", "Describe", "DescribeConfigs"));
    acl(acls, "group", "schema-registry", List.of("Read", "Describe"));
    docs.add(sr);
    // KEDA's lag scaler: describes the run's topics (end offsets) and groups (committed offsets), nothing else
    ObjectNode keda = user(y, "keda", cluster);
    ArrayNode k = (ArrayNode) keda.get("spec").get("authorization").get("acls");
    acl(k, "topic", "juice." + run + ".", List.of("Describe"), true);
    acl(k, "group", "juice." + run + ".", List.of("Describe"), true);
    docs.add(keda);
    return join(y, "KafkaUser per service of run '" + run + "', least privilege (generated: juice k8s users --run " + run + ")", docs);
  }

  private static ObjectNode user(ObjectMapper y, String name, String cluster) {
    ObjectNode d = y.createObjectNode().put("apiVersion", "kafka.strimzi.io/v1beta2").put("kind", "KafkaUser");
    ObjectNode md = d.putObject("metadata").put("name", name);
    md.putObject("labels").put("strimzi.io/cluster", cluster);
    ObjectNode spec = d.putObject("spec");
    spec.putObject("authentication").put("type", "scram-sha-512");
    spec.putObject("authorization").put("type", "simple").putArray("acls");
    return d;
  }

  /** A name ending in '-' (internal topics of a Streams app), or a group/transactional id, is a prefix. */
  private static void acl(ArrayNode acls, String type, String name, List<String> ops) {
    acl(acls, type, name, ops, name.endsWith("-") || !type.equals("topic"));
  }

  /** Kafka's resource type as Strimzi spells it: TOPIC → topic, TRANSACTIONAL_ID → transactionalId. */
  static String strimziType(ResourceType t) {
    String c = camel(t.name());
    return Character.toLowerCase(c.charAt(0)) + c.substring(1);
  }

  /** Kafka's operation as Strimzi spells it: DESCRIBE_CONFIGS → DescribeConfigs. */
  static String strimziOperation(AclOperation op) {
    return camel(op.name());
  }

  private static String camel(String enumName) {
    StringBuilder b = new StringBuilder();
    for (String part : enumName.toLowerCase(java.util.Locale.ROOT).split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }

  private static void acl(ArrayNode acls, String type, String name, List<String> ops, boolean prefix) {
    ObjectNode a = acls.addObject();
    a.putObject("resource").put("type", type).put("name", name).put("patternType", prefix ? "prefix" : "literal");
    ArrayNode o = a.putArray("operations");
    ops.forEach(o::add);
  }

  private static String join(ObjectMapper y, String header, List<ObjectNode> docs) throws Exception {
    StringBuilder b = new StringBuilder("# ").append(header).append('\n');
    for (ObjectNode d : docs) b.append("---\n").append(y.writeValueAsString(d));
    return b.toString();
  }
}
