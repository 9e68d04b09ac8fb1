package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.juice.common.kafka.Access;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment definitions — Dockerfile, compose.yaml, k8s/ — parsed and checked against the code,
 * without a container engine and without downloading anything: every service present, images
 * pinned, entry points that exist, every topic the code lays out has a KafkaTopic, every ACL is what
 * the code's access table says, autoscaling within partitions, probes on the endpoints services serve.
 */
class ContainerDefinitionsTest {
  static final Path ROOT = root();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Topics MAIN = Topics.forRun("main");
  static final List<String> SERVICES = List.of("ingest", "sampler", "scorer", "policy-trainer", "reward-trainer", "evaluator");

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("compose.yaml"))) p = p.getParent();
    return p;
  }

  /** YAML documents with anchors, aliases and merge keys resolved (SnakeYAML, as compose does), as JSON trees. */
  static List<JsonNode> docs(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file))) {
      JsonNode n = YAML.valueToTree(doc);
      if (n != null && !n.isNull() && !n.isEmpty()) out.add(n);
    }
    return out;
  }

  static List<JsonNode> k8s() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode r : docs(ROOT.resolve("k8s/kustomization.yaml")).get(0).get("resources")) all.addAll(docs(ROOT.resolve("k8s").resolve(r.asText())));
    return all;
  }

  static List<JsonNode> kind(List<JsonNode> all, String kind) {
    return all.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode named(List<JsonNode> all, String kind, String name) {
    return kind(all, kind).stream().filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** Every JUICE_* variable some service reads (Env lookups in the main sources). */
  static Set<String> knownVariables() throws IOException {
    Set<String> names = new TreeSet<>(List.of("JUICE_BOOTSTRAP", "JUICE_REGISTRY", "JUICE_HTTP_PORT", "JUICE_PARTITIONS"));
    Pattern p = Pattern.compile("\"(JUICE_[A-Z0-9_]+)\"");
    try (Stream<Path> files = Files.walk(ROOT.resolve("services"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/")).toList()) {
        Matcher m = p.matcher(Files.readString(f));
        while (m.find()) names.add(m.group(1));
      }
    }
    return names;
  }

  static Map<String, String> dockerTargets() throws IOException {
    Map<String, String> mains = new HashMap<>();
    String target = null;
    for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
      Matcher from = Pattern.compile("^FROM (\\S+) AS (\\S+)").matcher(line);
      if (from.find()) {
        target = from.group(2);
        mains.put(target, "");
      }
      Matcher main = Pattern.compile("JUICE_MAIN=(\\S+)").matcher(line);
      if (main.find() && target != null) mains.put(target, main.group(1));
    }
    return mains;
  }

  @Test
  void dockerfileBuildsOneNonRootOfflineImagePerServiceFromPinnedBases() throws Exception {
    String df = Files.readString(ROOT.resolve("Dockerfile"));
    Map<String, String> targets = dockerTargets();
    for (String s : List.of("ingest", "sampler", "scorer", "policy-trainer", "reward-trainer", "evaluator", "registry", "juice")) {
      String main = targets.get(s);
      assertNotNull(main, "target " + s);
      assertFalse(main.isEmpty(), "JUICE_MAIN of " + s);
      Class<?> c = Class.forName(main);
      assertNotNull(c.getMethod("main", String[].class), main + " has a main");
    }
    Matcher args = Pattern.compile("ARG (JDK|JRE)_IMAGE=(\\S+)").matcher(df);
    int bases = 0;
    while (args.find()) {
      bases++;
      assertTrue(args.group(2).matches("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-j(dk|re)-\\w+(@sha256:[0-9a-f]{64})?"),
          "base pinned to an exact release: " + args.group(2));
    }
    assertEquals(2, bases);
    assertTrue(df.contains("USER 10001:10001") && df.contains("useradd --system --uid 10001"), "non-root");
    assertTrue(df.contains("PYTORCH_LIBRARY_PATH=/opt/libtorch") && df.contains("-Dai.djl.offline=true")
        && df.contains("DJL_OFFLINE=true") && df.contains("dev.juice.model.Engines"), "libtorch extracted at build, offline at run");
    assertTrue(df.contains("-DexcludeArtifactIds=pytorch-native-cpu"), "the 111 MB native jar stays out of the images");
    assertTrue(df.contains("-XX:MaxRAMPercentage="), "heap sized from the container's memory limit");
    assertTrue(df.contains("/health/live"), "image healthcheck on a served endpoint");
    assertTrue(Files.readString(ROOT.resolve(".dockerignore")).contains("**/target"));
  }

  @Test
  void composeRunsEveryServiceWithHealthchecksPinnedImagesAndKnownSettings() throws Exception {
    JsonNode compose = docs(ROOT.resolve("compose.yaml")).get(0);
    JsonNode services = compose.get("services");
    Set<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);
    for (String s : List.of("kafka", "schema-registry", "topic-init", "ingest", "sampler", "scorer", "policy-trainer",
        "reward-trainer", "evaluator", "driver")) {
      assertTrue(names.contains(s), "compose service " + s);
    }
    String kafkaVersion = org.apache.kafka.common.utils.AppInfoParser.getVersion();
    assertEquals("apache/kafka:" + kafkaVersion, services.get("kafka").get("image").asText(), "broker = the client version");
    assertTrue(services.get("schema-registry").get("image").asText().matches("confluentinc/cp-schema-registry:\\d+\\.\\d+\\.\\d+"),
        "the real Confluent registry, pinned");
    Map<String, String> targets = dockerTargets();
    Set<String> known = knownVariables();
    for (String s : names) {
      JsonNode svc = services.get(s);
      String image = svc.get("image").asText();
      assertTrue(image.matches("[^:]+:[0-9][\\w.-]*"), s + ": image pinned to a version, not latest: " + image);
      if (svc.has("build")) {
        String target = svc.get("build").get("target").asText();
        assertTrue(targets.containsKey(target), s + ": Dockerfile target " + target);
        assertEquals("juice/" + target + ":0.1.0", image);
      }
      if (svc.has("depends_on")) {
        svc.get("depends_on").fields().forEachRemaining(e -> {
          assertTrue(names.contains(e.getKey()), s + " depends on a service that exists: " + e.getKey());
          String cond = e.getValue().get("condition").asText();
          assertTrue(cond.equals("service_healthy") || cond.equals("service_completed_successfully"), s + ": " + cond);
          if (cond.equals("service_healthy")) assertTrue(services.get(e.getKey()).has("healthcheck"), e.getKey() + " has a healthcheck");
        });
      }
      if (svc.has("environment")) {
        svc.get("environment").fieldNames().forEachRemaining(v -> {
          if (v.startsWith("JUICE_")) assertTrue(known.contains(v), s + ": " + v + " is read by the code");
        });
      }
    }
    for (String s : SERVICES) {
      JsonNode svc = services.get(s);
      assertTrue(svc.has("healthcheck"), s + " healthcheck");
      assertTrue(svc.get("healthcheck").get("test").toString().contains("/health"), s + " healthcheck on /health");
      assertTrue(svc.get("depends_on").has("topic-init"), s + " starts after topic-init");
    }
    for (String scaled : List.of("sampler", "scorer")) {
      assertFalse(services.get(scaled).has("container_name") || services.get(scaled).has("ports"),
          scaled + " has no fixed name or host port, so --scale " + scaled + "=3 works");
    }
    assertTrue(services.get("topic-init").get("command").toString().contains("topics"), "topic-init = juice topics");
    assertTrue(services.get("driver").get("command").toString().contains("--external-services"));
    assertEquals("await", services.get("policy-trainer").get("environment").get("JUICE_BASE").asText(), "the driver publishes the base");
  }

  @Test
  void kubernetesTopicsAndUsersAreTheCodesOwnTables() throws Exception {
    assertEquals(K8sCommand.topics("main", 4, 3, "juice"), Files.readString(ROOT.resolve("k8s/topics.yaml")),
        "k8s/topics.yaml is `juice k8s topics` (regenerate it)");
    assertEquals(K8sCommand.users("main", "juice"), Files.readString(ROOT.resolve("k8s/users.yaml")),
        "k8s/users.yaml is `juice k8s users` (regenerate it)");
    List<JsonNode> all = k8s();
    Map<String, JsonNode> topics = new HashMap<>();
    for (JsonNode t : kind(all, "KafkaTopic")) topics.put(t.get("spec").get("topicName").asText(), t);
    for (TopicAdmin.TopicSpec s : TopicAdmin.layout(MAIN, 4)) {
      JsonNode t = topics.get(s.name());
      assertNotNull(t, "KafkaTopic for " + s.name());
      assertEquals(s.partitions(), t.get("spec").get("partitions").asInt());
    }
    assertEquals("compact", topics.get(MAIN.weights()).get("spec").get("config").get("cleanup.policy").asText());
    assertEquals("compact", topics.get("_schemas").get("spec").get("config").get("cleanup.policy").asText());
    assertEquals(TopicAdmin.layout(MAIN, 4).size() + 1, topics.size(), "no topic the code does not use");
    Map<String, Access.Grant> access = Access.forRun(MAIN);
    for (Access.Grant g : access.values()) {
      JsonNode u = named(all, "KafkaUser", g.user());
      Set<String> read = new TreeSet<>();
      Set<String> write = new TreeSet<>();
      for (JsonNode a : u.get("spec").get("authorization").get("acls")) {
        JsonNode r = a.get("resource");
        String ops = a.get("operations").toString();
        if (r.get("type").asText().equals("topic")) {
          assertTrue(topics.containsKey(r.get("name").asText()) || r.get("patternType").asText().equals("prefix"),
              g.user() + ": ACL on a declared topic " + r.get("name"));
          if (ops.contains("Read")) read.add(r.get("name").asText());
          if (ops.contains("Write")) write.add(r.get("name").asText());
          assertFalse(ops.contains("All"), "no blanket rights");
        }
      }
      assertEquals(g.read(), read, g.user() + " reads exactly its topics");
      assertEquals(g.write(), write, g.user() + " writes exactly its topics");
    }
  }

  @Test
  void kubernetesWorkloadsProbeServedEndpointsScaleWithinPartitionsAndUseTheirOwnUser() throws Exception {
    List<JsonNode> all = k8s();
    Set<String> listed = new HashSet<>();
    for (JsonNode r : docs(ROOT.resolve("k8s/kustomization.yaml")).get(0).get("resources")) listed.add(r.asText());
    try (Stream<Path> files = Files.list(ROOT.resolve("k8s"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).toList()) {
        assertTrue(listed.contains(f.getFileName().toString()), "kustomization lists " + f.getFileName());
      }
    }
    assertEquals("juice", named(all, "Kafka", "juice").get("metadata").get("name").asText());
    assertTrue(named(all, "Kafka", "juice").get("metadata").get("annotations").get("strimzi.io/kraft").asText().equals("enabled"));
    assertEquals("simple", named(all, "Kafka", "juice").get("spec").get("kafka").get("authorization").get("type").asText());
    assertFalse(kind(all, "KafkaNodePool").isEmpty());
    Set<String> known = knownVariables();
    for (JsonNode cm : kind(all, "ConfigMap")) {
      cm.get("data").fieldNames().forEachRemaining(v -> {
        if (v.startsWith("JUICE_")) assertTrue(known.contains(v), "ConfigMap " + v + " is read by the code");
      });
    }
    Map<String, JsonNode> topics = new HashMap<>();
    for (JsonNode t : kind(all, "KafkaTopic")) topics.put(t.get("spec").get("topicName").asText(), t);
    Map<String, Access.Grant> access = Access.forRun(MAIN);
    for (String s : SERVICES) {
      boolean trainer = s.endsWith("trainer");
      JsonNode w = named(all, trainer ? "StatefulSet" : "Deployment", s);
      if (trainer) {
        assertEquals(1, w.get("spec").get("replicas").asInt(), s + ": one writer");
        assertFalse(w.get("spec").get("volumeClaimTemplates").isEmpty(), s + ": persistent volume");
      }
      JsonNode pod = w.get("spec").get("template").get("spec");
      assertTrue(pod.get("securityContext").get("runAsNonRoot").asBoolean(), s + " non-root");
      JsonNode c = pod.get("containers").get(0);
      assertTrue(c.get("image").asText().matches("juice/" + s + ":[0-9][\\w.-]*"), s + " image pinned");
      assertEquals(8080, c.get("ports").get(0).get("containerPort").asInt());
      assertEquals("/health", c.get("readinessProbe").get("httpGet").get("path").asText());
      assertEquals("/health/live", c.get("livenessProbe").get("httpGet").get("path").asText());
      assertEquals("http", c.get("readinessProbe").get("httpGet").get("port").asText());
      String jaasSecret = null;
      for (JsonNode e : c.get("env")) {
        if (e.get("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) jaasSecret = e.get("valueFrom").get("secretKeyRef").get("name").asText();
        if (e.get("name").asText().startsWith("JUICE_")) assertTrue(known.contains(e.get("name").asText()), s + ": " + e.get("name"));
      }
      assertEquals(access.get(s).user(), jaasSecret, s + " connects as its own KafkaUser");
    }
    for (String s : List.of("ingest", "sampler", "scorer")) {
      JsonNode so = named(all, "ScaledObject", s);
      assertEquals(s, so.get("spec").get("scaleTargetRef").get("name").asText());
      JsonNode m = so.get("spec").get("triggers").get(0).get("metadata");
      String topic = m.get("topic").asText();
      assertTrue(access.get(s).read().contains(topic), s + " scales on a topic it consumes: " + topic);
      assertTrue(access.get(s).groupPrefixes().contains(m.get("consumerGroup").asText()), s + " scales on its own group");
      assertTrue(so.get("spec").get("maxReplicaCount").asInt() <= topics.get(topic).get("spec").get("partitions").asInt(),
          s + ": max replicas <= partitions");
      assertEquals("keda-kafka", so.get("spec").get("triggers").get(0).get("authenticationRef").get("name").asText());
    }
    named(all, "TriggerAuthentication", "keda-kafka");
    named(all, "KafkaUser", "keda");
    JsonNode job = named(all, "Job", "experiment");
    assertTrue(job.get("spec").get("template").get("spec").get("containers").get(0).get("args").toString().contains("--external-services"));
  }
}
