package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.PolicySample;
import dev.juice.avro.RolloutRequest;
import dev.juice.avro.ScoredSample;
import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.policytrainer.PolicyTrainerService;
import dev.juice.sampler.SamplerService;
import dev.juice.scorer.ScorerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Services as separate JVM processes on the embedded broker: scaling, kill -9, resume. */
class PipelineProcessesIT {
  @TempDir Path tmp;
  private ChildProcesses children;

  @org.junit.jupiter.api.BeforeEach
  void children() {
    children = new ChildProcesses(tmp);
  }

  @AfterEach
  void stopChildren() throws Exception {
    children.close();
  }

  private Process spawn(Class<?> main, Map<String, String> env, String name) throws Exception {
    return children.spawn(main, env, name);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void twoSamplersAndTwoScorersShareARunAndSurviveKillNine() throws Exception {
    PipelineConfig c = PipelineFixture.tiny(Algorithm.RFT, 3, 21);
    String run = "scale";
    try (LocalStack stack = LocalStack.start(null, 0, 0, run, 4)) {
      PipelineFixture.ingest(stack, PipelineFixture.demos(90), tmp.resolve("s"));
      Map<String, String> env = Pipelines.env(stack.settings(), run, c);
      env.put("JUICE_THREADS", "1");
      env.put("JUICE_MAX_POLL_RECORDS", "3"); // small transactions: the kill lands mid-stage
      Map<String, Process> samplers = new HashMap<>();
      for (String id : List.of("a", "b")) {
        Map<String, String> e = new HashMap<>(env);
        e.put("JUICE_INSTANCE_ID", id);
        samplers.put(id, spawn(SamplerService.class, e, "sampler-" + id));
        e.put("JUICE_INSTANCE_ID", "score-" + id);
        spawn(ScorerService.class, e, "scorer-" + id);
      }
      Thread killer = new Thread(() -> {
        try { // kill sampler a as soon as stage 2 is being sampled
          while (PipelineFixture.samples(stack).stream().noneMatch(s -> s.getStage() == 1)) Thread.sleep(100);
          samplers.get("a").destroyForcibly();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), run, c, 0, 0, Progress.NONE)) {
        killer.start();
        PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), run, c, "tiny", false),
            Progress.NONE, PolicyTrainerService.Listener.NONE);
        assertEquals(4, r.version(), children.tails(30));
        assertEquals(3L, w.rewardTrainer.get(2, TimeUnit.MINUTES));
      }
      killer.join(10_000);
      Process a = samplers.get("a");
      assertTrue(a.waitFor(10, TimeUnit.SECONDS), "sampler a stopped");
      assertEquals(137, a.exitValue(), "sampler a was killed by SIGKILL (128 + 9), not stopped normally before the kill");
      assertTrue(samplers.get("b").waitFor(60, TimeUnit.SECONDS), "sampler b exits when the run is done\n" + children.tails(30));
      List<RolloutRequest> requests = PipelineFixture.rollouts(stack);
      List<PolicySample> samples = PipelineFixture.samples(stack);
      assertEquals(List.of(), PipelineFixture.auditSamples(requests, samples), "lineage audit");
      assertEquals(2 * requests.size(), samples.size());
      List<ScoredSample> scored = PipelineFixture.scored(stack);
      Set<String> scoredIds = new HashSet<>();
      for (ScoredSample s : scored) assertTrue(scoredIds.add(s.getSample().getSampleId()), "scored twice: " + s.getSample().getSampleId());
      assertEquals(samples.size(), scored.size(), "every sample scored exactly once");
      // both scorer replicas and the surviving sampler did work: metric events name their instances
      Set<String> instances = new HashSet<>();
      dev.juice.common.kafka.TopicReader.read(stack.clientProps(), stack.topics().names().metrics(), Map.of(),
          new org.apache.kafka.common.serialization.StringDeserializer(),
          new dev.juice.common.avro.AvroDeserializer<>(new dev.juice.common.avro.RestSchemaRegistryClient(stack.settings().registryUrl()),
              dev.juice.avro.MetricEvent.class), java.time.Duration.ofMinutes(1),
          m -> instances.add(m.value().getService() + "/" + m.value().getInstance()));
      assertTrue(instances.containsAll(List.of("sampler/a", "sampler/b", "scorer/score-a", "scorer/score-b")), instances.toString());
    }
  }

  /**
   * User story 4: the policy-trainer is killed with SIGKILL mid-run and restarted; it resumes from its
   * last published version and committed offsets and ends with the same weights as an uninterrupted
   * run with the same seed.
   */
  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aKilledPolicyTrainerResumesToTheSameWeights() throws Exception {
    PipelineConfig c = PipelineFixture.tiny(Algorithm.IRFT, 3, 31);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "whole", 2)) {
      LocalStack other = LocalStack.external(stack.settings().bootstrapServers(), stack.settings().registryUrl(), "killed", 2);
      List<byte[]> demos = PipelineFixture.demos(40);
      PipelineFixture.ingest(stack, demos, tmp.resolve("s1"));
      PipelineFixture.ingest(other, demos, tmp.resolve("s2"));
      Map<String, String> sha = new HashMap<>();
      for (String run : List.of("whole", "killed")) {
        Map<String, String> env = Pipelines.env(stack.settings(), run, c);
        env.put("JUICE_THREADS", "1");
        env.put("JUICE_PRESET", "tiny");
        env.put("JUICE_PRETRAIN_EPOCHS", "2");
        try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), run, c, 1, 0, Progress.NONE)) {
          Process trainer = spawn(dev.juice.policytrainer.PolicyTrainerService.class, env, "trainer-" + run);
          if (run.equals("killed")) {
            LocalStack s = other;
            while (PipelineFixture.weights(s).latest("policy").map(l -> l.version()).orElse(0L) < 2) {
              assertTrue(trainer.isAlive(), children.tails(30));
              Thread.sleep(50);
            }
            trainer.destroyForcibly().waitFor(); // mid stage 2: its samples are being made or trained on
            assertTrue(PipelineFixture.weights(s).latest("policy").orElseThrow().version() < 4, "killed before the end");
            trainer = spawn(dev.juice.policytrainer.PolicyTrainerService.class, env, "trainer-restarted");
          }
          assertTrue(trainer.waitFor(4, TimeUnit.MINUTES), children.tails(30));
          assertEquals(0, trainer.exitValue(), children.tails(30));
        }
        LocalStack s = run.equals("whole") ? stack : other;
        var policy = PipelineFixture.weights(s).latest("policy").orElseThrow();
        assertEquals(4, policy.version());
        sha.put(run, policy.manifest().getSha256());
        assertEquals(List.of(), PipelineFixture.auditSamples(PipelineFixture.rollouts(s), PipelineFixture.samples(s)));
      }
      other.close();
      assertEquals(sha.get("whole"), sha.get("killed"), "resumed run ends bit-identical\n" + children.tails(30));
    }
  }
}
