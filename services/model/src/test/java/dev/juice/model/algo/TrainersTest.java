package dev.juice.model.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.model.PolicyModel;
import dev.juice.model.TinyModels;
import dev.juice.model.WeightsCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainersTest {
  static final List<Example> DEMOS = List.of(
      new Example("The food", "was great."), new Example("Great service", "and friendly."),
      new Example("I loved", "the pasta!"), new Example("The staff were", "kind and fast."),
      new Example("Not bad", "at all."), new Example("Best pizza", "in town."),
      new Example("The view", "was lovely."), new Example("Fresh bread", "every day."));
  static TinyModels models;

  @BeforeAll
  static void engine() {
    List<String> all = new ArrayList<>();
    DEMOS.forEach(d -> {
      all.add(d.prompt());
      all.add(d.response());
    });
    models = new TinyModels(all);
  }

  @AfterAll
  static void close() {
    models.close();
  }

  static PolicyModel tiny(long seed) {
    return models.policy(seed);
  }

  @Test
  void pretrainingAndSftLowerTheLoss() {
    try (PolicyModel m = tiny(1)) {
      double before = Trainers.meanResponseNll(m, DEMOS);
      Trainers.pretrain(m, DEMOS.stream().map(d -> d.prompt() + " " + d.response()).toList(),
          new TrainConfig(20, 8, 3e-3f, 0f, 1f, 1), Progress.NONE);
      Trainers.sft(m, DEMOS, new TrainConfig(20, 8, 1e-3f, 0f, 1f, 1), Progress.NONE);
      double after = Trainers.meanResponseNll(m, DEMOS);
      assertTrue(after < before * 0.6, "response NLL per token " + before + " -> " + after);
    }
  }

  @Test
  void irftFreezesTheReferenceAtEveryStageStartAndIsDeterministic() {
    String[] hashes = new String[2];
    for (int run = 0; run < 2; run++) {
      try (PolicyModel policy = tiny(3); PolicyModel ref = tiny(99)) {
        Trainers.sft(policy, DEMOS, new TrainConfig(10, 8, 3e-3f, 0f, 1f, 3), Progress.NONE);
        Map<String, List<Double>> lossesByStage = new TreeMap<>();
        IrftConfig c = new IrftConfig(0.1, 2, 2, false, 20, 1f, new TrainConfig(3, 4, 1e-3f, 0f, 1f, 5));
        Trainers.irft(policy, ref, DEMOS, c, (phase, step, total, loss, tps, detail) ->
            lossesByStage.computeIfAbsent(detail, k -> new ArrayList<>()).add(loss));
        assertEquals(List.of("stage 1/2", "stage 2/2"), List.copyOf(lossesByStage.keySet()));
        for (List<Double> losses : lossesByStage.values()) {
          // π_ref = π at the stage start, so Δ = 0 and −log σ(0) = ln 2 on its first step
          assertEquals(Math.log(2), losses.get(0), 1e-4);
          assertTrue(losses.get(losses.size() - 1) < Math.log(2), "the stage learned: " + losses);
        }
        hashes[run] = WeightsCodec.sha256Hex(WeightsCodec.encode(policy));
      }
    }
    assertEquals(hashes[0], hashes[1], "same inputs and seed: bit-identical weights");
  }

  @Test
  void spinIsIrftWithOneStage() {
    try (PolicyModel policy = tiny(4); PolicyModel ref = tiny(4)) {
      List<String> stages = new ArrayList<>();
      Trainers.irft(policy, ref, DEMOS, new IrftConfig(0.1, 1, 1, false, 12, 1f, new TrainConfig(1, 8, 1e-3f, 0f, 1f, 1)),
          (phase, step, total, loss, tps, detail) -> stages.add(detail));
      assertTrue(stages.stream().allMatch("stage 1/1"::equals));
    }
  }
}
