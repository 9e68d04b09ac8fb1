package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Access;
import dev.juice.common.kafka.GroupProgress;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import dev.juice.embedded.EmbeddedKafka;
import dev.juice.ingest.IngestService;
import dev.juice.ingest.config.IngestConfig;
import dev.juice.ingest.topology.Limits;
import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.WorkerSettings;
import dev.juice.policytrainer.PolicyTrainerService;
import dev.juice.rewardtrainer.RewardTrainerConfig;
import dev.juice.rewardtrainer.RewardTrainerService;
import dev.juice.sampler.SamplerConfig;
import dev.juice.sampler.SamplerService;
import dev.juice.schemaregistry.SchemaRegistryConfig;
import dev.juice.schemaregistry.SchemaRegistryMain;
import dev.juice.scorer.ScorerConfig;
import dev.juice.scorer.ScorerService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The services on a broker that authenticates with SASL/SCRAM-SHA-512 and authorises with KRaft's
 * StandardAuthorizer: each service runs RFT with its own user and exactly the ACLs of
 * {@link Access} (what k8s/users.yaml grants); a service reaching outside its ACLs gets an
 * authorization error and writes nothing; no password and no demonstration text appears in any log
 * line of the run.
 */
class SecurityIT {
  static final String RUN = "sec";
  @TempDir Path tmp;

  static KafkaSettings settings(String bootstrap, String registry, String user, String password) {
    return new KafkaSettings(bootstrap, registry, Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";"));
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyServiceWorksWithItsOwnCredentialsAndNothingMore() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    Map<String, String> passwords = new HashMap<>();
    String adminPassword = "admin-" + UUID.randomUUID();
    passwords.put("admin", adminPassword);
    EmbeddedKafka.Builder b = EmbeddedKafka.builder().listener("SASL_PLAINTEXT", "SASL_PLAINTEXT")
        .scramUser("admin", adminPassword)
        .config("sasl.enabled.mechanisms", "SCRAM-SHA-512")
        .config("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
        .config("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"" + adminPassword + "\";")
        .config("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .config("super.users", "User:admin;User:ANONYMOUS") // ANONYMOUS = the broker on its own controller listener
        .config("allow.everyone.if.no.acl.found", "false");
    try (EmbeddedKafka kafka = b.build().start()) {
      KafkaSettings admin0 = settings(kafka.bootstrapServers(), "http://unused", "admin", adminPassword);
      Map<String, String> regEnv = new HashMap<>(Map.of("JUICE_BOOTSTRAP", kafka.bootstrapServers(), "JUICE_REGISTRY_HOST", "127.0.0.1",
          "JUICE_REGISTRY_PORT", "0"));
      admin0.clientOverrides().forEach((k, v) -> regEnv.put("KAFKA_" + k.toUpperCase().replace('.', '_'), v));
      try (SchemaRegistryMain.Running registry = SchemaRegistryMain.start(SchemaRegistryConfig.fromEnv(regEnv));
           Admin admin = Admin.create(admin0.clientProps())) {
        String url = registry.url();
        Topics t = Topics.forRun(RUN);
        TopicAdmin.ensure(admin, TopicAdmin.layout(t, 2)); // the operator's job (KafkaTopic resources)
        Map<String, Access.Grant> grants = Access.forRun(t);
        List<UserScramCredentialUpsertion> users = new ArrayList<>();
        List<org.apache.kafka.common.acl.AclBinding> acls = new ArrayList<>();
        for (Access.Grant g : grants.values()) {
          String pw = "pw-" + UUID.randomUUID();
          passwords.put(g.user(), pw);
          users.add(new UserScramCredentialUpsertion(g.user(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), pw));
          acls.addAll(Access.aclBindings(g));
        }
        admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
        admin.createAcls(acls).all().get();
        Map<String, KafkaSettings> as = new HashMap<>();
        grants.forEach((s, g) -> as.put(s, settings(kafka.bootstrapServers(), url, g.user(), passwords.get(g.user()))));

        // the run: every service with its own user
        List<byte[]> demos = PipelineFixture.demos(16);
        PipelineConfig c = PipelineFixture.tiny(Algorithm.RFT, 2, 21);
        try (IngestService ingest = IngestService.start(new IngestConfig(RUN, as.get("ingest"), tmp.resolve("streams"), 1,
                 Duration.ofMillis(100), Limits.DEFAULT), Duration.ofMinutes(2));
             LocalStack driver = LocalStack.external(as.get("driver"), RUN, 2)) {
          IngestCommand.Summary s = IngestCommand.ingest(driver, demos, "demonstrations", false, tmp, Duration.ofMinutes(2), false);
          assertEquals(16, s.accepted(), "ingest accepted the driver's demonstrations");
          SamplerService sampler = SamplerService.start(new SamplerConfig(RUN, as.get("sampler"),
              new WorkerSettings("s0", 64, Duration.ofMinutes(2), true, 1), 64));
          ScorerService scorer = ScorerService.start(new ScorerConfig(RUN, as.get("scorer"),
              new WorkerSettings("c0", 128, Duration.ofMinutes(2), true, 1)));
          RewardTrainerService rt = new RewardTrainerService(new RewardTrainerConfig(RUN, as.get("reward-trainer"), c,
              Duration.ofMinutes(3), 1, 5), Progress.NONE);
          CompletableFuture<Long> reward = CompletableFuture.supplyAsync(() -> {
            try {
              return rt.run(() -> true);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          });
          try {
            PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(as.get("policy-trainer"), RUN, c, "tiny", false),
                Progress.NONE, PolicyTrainerService.Listener.NONE);
            assertEquals(3, r.version(), "SFT + 2 RFT rounds through sampler, scorer, reward-trainer");
            assertEquals(2L, reward.get(1, TimeUnit.MINUTES));
          } finally {
            sampler.close();
            scorer.close();
          }
        }

        // outside its ACLs: the sampler may not write demonstrations, the scorer may not consume rollouts
        Map<org.apache.kafka.common.TopicPartition, Long> before = GroupProgress.endOffsets(admin, t.demonstrations());
        Map<String, Object> pp = as.get("sampler").clientProps();
        pp.put("max.block.ms", 10_000);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
          ExecutionException e = assertThrows(ExecutionException.class,
              () -> p.send(new ProducerRecord<>(t.demonstrations(), "x".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS));
          assertInstanceOf(TopicAuthorizationException.class, e.getCause());
          assertTrue(e.getCause().getMessage().contains(t.demonstrations()), "the error names the topic: " + e.getCause().getMessage());
        }
        assertEquals(before, GroupProgress.endOffsets(admin, t.demonstrations()), "nothing written");
        Map<String, Object> cp = as.get("scorer").clientProps();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, t.groupId("scorer"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          consumer.subscribe(List.of(t.rollouts()));
          RuntimeException e = assertThrows(RuntimeException.class, () -> {
            for (int i = 0; i < 50; i++) consumer.poll(Duration.ofMillis(200));
          });
          assertTrue(e instanceof TopicAuthorizationException || e instanceof GroupAuthorizationException, e.toString());
        }
      }
    } finally {
      root.detachAppender(logs);
    }
    // the run's logs: no password, no demonstration text
    List<String> texts = new ArrayList<>();
    for (byte[] d : PipelineFixture.demos(16)) {
      var n = dev.juice.common.Json.mapper().readTree(d);
      texts.add(n.get("prompt").asText() + " " + n.get("response").asText());
      texts.add(n.get("response").asText());
    }
    assertFalse(logs.list.isEmpty());
    for (ILoggingEvent e : logs.list) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
      for (var pw : passwords.entrySet()) assertFalse(line.contains(pw.getValue()), "password of " + pw.getKey() + " in a log line: " + e.getLoggerName());
      for (String text : texts) assertFalse(line.contains(text), "demonstration text in a log line of " + e.getLoggerName());
    }
  }
}
