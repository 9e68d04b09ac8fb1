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
}
