package dev.juice.model.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.model.PolicyModel;
import dev.juice.model.TinyModels;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.TrainConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PipelineLogicTest {
  static final List<Demo> DEMOS = new ArrayList<>();
  static TinyModels models;

  @BeforeAll
  static void setUp() {
    String[][] pairs = {{"The food", "was great."}, {"Great service", "and friendly."}, {"I loved", "the pasta!"},
        {"The staff were", "kind and fast."}, {"Not bad", "at all."}, {"Best pizza", "in town."},
        {"The view", "was lovely."}, {"Fresh bread", "every day."}, {"Nice and", "quiet place."},
        {"Our waiter", "was funny."}};
    List<String> text = new ArrayList<>();
    for (int i = 0; i < pairs.length; i++) {
      DEMOS.add(new Demo(String.format("d%02d", i), pairs[i][0], pairs[i][1]));
      text.add(pairs[i][0] + " " + pairs[i][1]);
    }
    models = new TinyModels(text);
  }

  @AfterAll
  static void tearDown() {
    models.close();
  }

  static PipelineConfig config(Algorithm a, int stages) {
    return PipelineConfig.defaults(a, 7).withStages(stages).withMaxNewTokens(16)
        .withTraining(new TrainConfig(3, 4, 3e-3f, 0f, 1f, 7), new TrainConfig(2, 4, 1e-3f, 0f, 1f, 7),
            new TrainConfig(2, 4, 1e-3f, 0f, 1f, 7));
  }

  @Test
  void everyPromptIsUsedOncePerIterationAndLateOnesLandInLaterStages() {
    PipelineConfig c = config(Algorithm.IRFT, 3);
    List<Demo> pool = new ArrayList<>(DEMOS.subList(0, 6));
    Set<String> used = new HashSet<>();
    List<List<Rollout>> stages = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      if (k == 1) pool.addAll(DEMOS.subList(6, 10)); // arrive while stage 0 trains
      List<Rollout> plan = RoundPlanner.plan(c, Round.of(k, 3), pool, used, k + 1, null);
      plan.forEach(r -> assertTrue(used.add(r.demoId()), "used twice: " + r.demoId()));
      stages.add(plan);
    }
    assertEquals(10, used.size(), "every demonstration once in the iteration");
    assertEquals(2, stages.get(0).size(), "⌈6/3⌉ before the late ones arrived");
    assertEquals(4, stages.get(1).size(), "⌈8/2⌉ once they are in");
    assertEquals(4, stages.get(2).size());
    assertTrue(stages.get(0).stream().noneMatch(r -> r.demoId().compareTo("d06") >= 0));
    assertTrue(stages.get(1).stream().anyMatch(r -> r.demoId().compareTo("d06") >= 0)
        || stages.get(2).stream().anyMatch(r -> r.demoId().compareTo("d06") >= 0));
    // the same pool and seed give the same plan, whatever order the pool arrived in
    List<Demo> reversed = new ArrayList<>(DEMOS.subList(0, 6));
    java.util.Collections.reverse(reversed);
    assertEquals(RoundPlanner.plan(c, Round.of(0, 3), DEMOS.subList(0, 6), Set.of(), 1, null),
        RoundPlanner.plan(c, Round.of(0, 3), reversed, Set.of(), 1, null));
  }

  @Test
  void aContinuationDependsOnItsRequestNotOnTheBatchItLandsIn() {
    try (PolicyModel policy = models.policy(3)) {
      List<Rollout> plan = RoundPlanner.plan(config(Algorithm.RFT, 1), Round.of(0, 1), DEMOS, Set.of(), 1, 1L);
      List<Sample> all = RolloutSampler.generate(policy, 1, plan);
      List<Sample> last = RolloutSampler.generate(policy, 1, plan.subList(plan.size() - 1, plan.size()));
      assertEquals(2 * DEMOS.size(), all.size());
      Sample alone = last.get(1);
      Sample inBatch = all.stream().filter(s -> s.sampleId().equals(alone.sampleId())).findFirst().orElseThrow();
      assertArrayEquals(alone.tokens(), inBatch.tokens());
      assertEquals(alone.logProb(), inBatch.logProb(), 1e-4);
      assertNotEquals(List.of(all.get(0).tokens()), List.of(all.get(1).tokens()), "k samples of a prompt differ");
    }
  }

  @Test
  void irftRoundsStartAtLn2AndTheRunIsBitReproducible() {
    String[] hashes = new String[2];
    for (int run = 0; run < 2; run++) {
      Map<String, List<Double>> lossesByStage = new TreeMap<>();
      try (PolicyModel policy = models.policy(5); PolicyModel ref = models.policy(6)) {
        List<LocalPipeline.RoundLog> logs = LocalPipeline.run(config(Algorithm.IRFT, 2), policy, ref, DEMOS,
            (phase, step, total, loss, tps, detail) -> {
              if (phase.equals("irft")) lossesByStage.computeIfAbsent(detail, k -> new ArrayList<>()).add(loss);
            }, LocalPipeline.Versions.NONE);
        assertEquals(2, logs.size());
        assertEquals(DEMOS.size(), logs.stream().mapToInt(LocalPipeline.RoundLog::rollouts).sum());
        hashes[run] = WeightsCodec.sha256Hex(WeightsCodec.encode(policy));
      }
      assertEquals(List.of("stage 1/2", "stage 2/2"), List.copyOf(lossesByStage.keySet()));
      for (List<Double> losses : lossesByStage.values()) {
        assertEquals(Math.log(2), losses.get(0), 1e-4, "π_ref = π at the stage start and ỹ on-policy: Δ = 0");
      }
    }
    assertEquals(hashes[0], hashes[1]);
  }

  @Test
  void rftTrainsTheRewardModelOnDemonstrationsOverSamplesAndPublishesAVersionPerRound() {
    List<String> versions = new ArrayList<>();
    try (PolicyModel policy = models.policy(8); PolicyModel ref = models.policy(9)) {
      String before = WeightsCodec.sha256Hex(WeightsCodec.encode(policy));
      List<LocalPipeline.RoundLog> logs = LocalPipeline.run(config(Algorithm.RFT, 2), policy, ref, DEMOS,
          (phase, step, total, loss, tps, detail) -> assertTrue(Double.isFinite(loss), phase + " loss " + loss),
          (model, v, r, a) -> versions.add(model + " v" + v));
      assertEquals(List.of("policy v1", "reward v1", "policy v2", "reward v2", "policy v3"), versions);
      for (LocalPipeline.RoundLog l : logs) {
        assertEquals(2 * l.rollouts(), l.samples(), "k = 2 samples per prompt");
        assertTrue(l.reward().pairs() > 0 && Double.isFinite(l.reward().loss()));
        assertTrue(l.policy().pairs() > 0 && Double.isFinite(l.policy().meanKl()));
      }
      assertNotEquals(before, WeightsCodec.sha256Hex(WeightsCodec.encode(policy)));
    }
  }

  @Test
  void spinIsOneStagePerIterationAndRegeneratesForEveryPromptEachIteration() {
    PipelineConfig c = config(Algorithm.SPIN, 1).withIterations(2);
    List<String> details = new ArrayList<>();
    try (PolicyModel policy = models.policy(4); PolicyModel ref = models.policy(4)) {
      List<LocalPipeline.RoundLog> logs = LocalPipeline.run(c, policy, ref, DEMOS,
          (phase, step, total, loss, tps, detail) -> {
            if (phase.equals("spin") && step == 1) details.add(detail);
          }, LocalPipeline.Versions.NONE);
      assertEquals(2, logs.size());
      for (LocalPipeline.RoundLog l : logs) assertEquals(DEMOS.size(), l.rollouts(), "all prompts, every iteration");
    }
    assertEquals(List.of("iteration 1/2, stage 1/1", "iteration 2/2, stage 1/1"), details);
  }
}
