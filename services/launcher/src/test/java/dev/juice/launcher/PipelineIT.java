package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.PolicySample;
import dev.juice.avro.RolloutRequest;
import dev.juice.avro.ScoredSample;
import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
import dev.juice.model.pipeline.Round;
import dev.juice.policytrainer.PolicyTrainerService;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline services on the embedded broker, in this JVM, with tiny models. */
class PipelineIT {
  @TempDir Path tmp;

  /** User story 1: demonstrations ingested while a run trains are used by its later stages. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void continuousIngestionFeedsTheLaterStages() throws Exception {
    List<byte[]> all = PipelineFixture.demos(48);
    List<byte[]> early = all.subList(0, 24);
    List<byte[]> late = all.subList(24, 48);
    PipelineConfig c = PipelineFixture.tiny(Algorithm.IRFT, 3, 11);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "cont", 2)) {
      assertEquals(24, PipelineFixture.ingest(stack, early, tmp.resolve("s1")).accepted());
      try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), "cont", c, 1, 0, Progress.NONE)) {
        PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), "cont", c, "tiny", false),
            Progress.NONE, new PolicyTrainerService.Listener() {
              @Override
              public void onRound(Round round, long version, PolicyLearner.RoundResult result, int dropped, double seconds) {}

              @Override
              public void onPhase(String phase, long version) {
                if (!phase.equals("sft-done")) return;
                try { // the run is live (stage 1 is being sampled) when the rest arrives
                  assertEquals(24, PipelineFixture.ingest(stack, late, tmp.resolve("s2")).accepted());
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
        assertEquals(4, r.version(), "SFT v1 + one version per stage");
        assertEquals(0, r.droppedStale());
      }
      List<RolloutRequest> requests = PipelineFixture.rollouts(stack);
      Map<Integer, Set<String>> byStage = requests.stream().collect(Collectors.groupingBy(RolloutRequest::getStage,
          Collectors.mapping(q -> q.getLineage().getDemonstrationId(), Collectors.toSet())));
      Set<String> lateIds = new HashSet<>();
      requests.forEach(q -> lateIds.add(q.getLineage().getDemonstrationId()));
      assertEquals(48, lateIds.size(), "every demonstration, early or late, was used once");
      assertEquals(48, requests.size());
      assertEquals(8, byStage.get(0).size(), "stage 1 was planned from the 24 early demonstrations: ⌈24/3⌉");
      assertEquals(20, byStage.get(1).size(), "stage 2 saw the late ones: ⌈40/2⌉");
      assertEquals(20, byStage.get(2).size());
      List<PolicySample> samples = PipelineFixture.samples(stack);
      assertEquals(List.of(), PipelineFixture.auditSamples(requests, samples));
      for (PolicySample s : samples) {
        assertEquals(s.getStage() + 1L, s.getLineage().getPolicyVersion(), "on-policy: stage k sampled by version k");
      }
    }
  }

  /** RFT through sampler → scorer → reward-trainer → policy-trainer; every score names its RM version. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void rftRunsThroughScorerAndRewardTrainer() throws Exception {
    PipelineConfig c = PipelineFixture.tiny(Algorithm.RFT, 2, 12);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "rft", 2)) {
      PipelineFixture.ingest(stack, PipelineFixture.demos(24), tmp.resolve("s"));
      try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), "rft", c, 1, 1, Progress.NONE)) {
        PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), "rft", c, "tiny", false),
            Progress.NONE, PolicyTrainerService.Listener.NONE);
        assertEquals(3, r.version());
        assertEquals(2L, w.rewardTrainer.get(1, TimeUnit.MINUTES));
      }
      List<RolloutRequest> requests = PipelineFixture.rollouts(stack);
      List<PolicySample> samples = PipelineFixture.samples(stack);
      assertEquals(List.of(), PipelineFixture.auditSamples(requests, samples));
      List<ScoredSample> scored = PipelineFixture.scored(stack);
      assertEquals(samples.size(), scored.size());
      assertEquals(48, scored.size(), "24 prompts × k = 2");
      for (ScoredSample s : scored) {
        assertEquals(s.getSample().getStage() + 1L, s.getRewardVersion(), "round k scored by the RM trained on round k");
        assertTrue(Double.isFinite(s.getReward()));
      }
      var weights = PipelineFixture.weights(stack);
      assertEquals(2, weights.latest("reward").orElseThrow().version());
      assertEquals(1.0, weights.latest("policy").orElseThrow().metric("final", 0));
    }
  }

  /** User story 5: the broker stops and restarts (same data dir) mid-run; the run completes, nothing lost. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aRunSurvivesABrokerRestart() throws Exception {
    PipelineConfig c = PipelineFixture.tiny(Algorithm.IRFT, 3, 13);
    try (LocalStack stack = LocalStack.start(tmp.resolve("data"), 0, 0, "restart", 2)) {
      PipelineFixture.ingest(stack, PipelineFixture.demos(30), tmp.resolve("s"));
      Thread[] restart = new Thread[1];
      try (Pipelines.Workers w = Pipelines.startWorkers(stack.settings(), "restart", c, 1, 0, Progress.NONE)) {
        PolicyTrainerService.Result r = Pipelines.train(Pipelines.trainerConfig(stack.settings(), "restart", c, "tiny", false),
            Progress.NONE, new PolicyTrainerService.Listener() {
              @Override
              public void onRound(Round round, long version, PolicyLearner.RoundResult result, int dropped, double seconds) {
                if (round.index() != 0) return;
                restart[0] = new Thread(() -> { // while stage 2 is sampled and trained
                  stack.kafka().stop();
                  try {
                    Thread.sleep(3_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  stack.kafka().start();
                });
                restart[0].start();
              }

              @Override
              public void onPhase(String phase, long version) {}
            });
        assertEquals(4, r.version());
      }
      restart[0].join();
      assertEquals(List.of(), PipelineFixture.auditSamples(PipelineFixture.rollouts(stack), PipelineFixture.samples(stack)));
      assertEquals(4, PipelineFixture.weights(stack).latest("policy").orElseThrow().version());
    }
  }
}
