package dev.juice.model.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.juice.model.Engines;
import dev.juice.model.pipeline.Preference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BagOfWordsBradleyTerryTest {
  static NDManager root;

  @BeforeAll
  static void engine() {
    Engines.pytorch(2);
    root = Engines.newManager();
  }

  @AfterAll
  static void close() {
    root.close();
  }

  private static Preference pair(String id, String a, String b, boolean aWins) {
    return new Preference(id, "x", a, b, aWins, null);
  }

  @Test
  void featuresAreLowerCasedUnigramsAndBigrams() {
    assertEquals(Set.of("the", "food", "was", "great", "the food", "food was", "was great"),
        BagOfWordsBradleyTerry.features("The food was GREAT."));
    assertEquals(Set.of("don't", "go", "don't go"), BagOfWordsBradleyTerry.features("Don't go"));
  }

  /**
   * Three pairs "good ≻ bad" and one flipped: by symmetry the four features that differ (good,
   * "x good", bad, "x bad") weigh ±c, and the optimum of (3·softplus(−4c) + softplus(4c))/4 + 2λc²
   * solves 4λc = 3σ(−4c) − σ(4c). The fit must land there.
   */
  @Test
  void reachesTheAnalyticOptimum() {
    double l2 = 0.05;
    List<Preference> pairs = List.of(pair("1", "good", "bad", true), pair("2", "bad", "good", false),
        pair("3", "good", "bad", true), pair("4", "good", "bad", false));
    BagOfWordsBradleyTerry bt = BagOfWordsBradleyTerry.fit(pairs, l2, 300, root);
    double lo = 0;
    double hi = 5;
    for (int i = 0; i < 100; i++) {
      double c = (lo + hi) / 2;
      double g = 4 * l2 * c - 3 * sigmoid(-4 * c) + sigmoid(4 * c);
      if (g > 0) hi = c;
      else lo = c;
    }
    double margin = bt.reward("x", "good") - bt.reward("x", "bad");
    assertEquals(4 * lo, margin, 2e-3, "fitted margin vs the analytic optimum");
    assertEquals(0.75, bt.accuracy(pairs), 1e-9, "the flipped pair is the one it gets wrong");
    assertEquals(0, bt.reward("x", "unseen words"), 1e-6, "features never seen weigh nothing");
  }

  @Test
  void generalisesToUnseenSentencesWithLambdaChosenOnValidation() {
    String[] good = {"great", "lovely", "superb", "tasty"};
    String[] bad = {"awful", "bland", "rude", "cold"};
    String[] things = {"food", "staff", "room", "view", "music", "bread"};
    List<Preference> train = new ArrayList<>();
    List<Preference> test = new ArrayList<>();
    int id = 0;
    for (int t = 0; t < things.length; t++) {
      for (int g = 0; g < good.length; g++) {
        boolean flip = (t + g) % 2 == 0;
        String a = "the " + things[t] + " was " + good[g];
        String b = "the " + things[(t + 1) % things.length] + " was " + bad[g];
        Preference p = flip ? pair("p" + id++, b, a, false) : pair("p" + id++, a, b, true);
        (t < 4 ? train : test).add(p);
      }
    }
    BagOfWordsBradleyTerry bt = BagOfWordsBradleyTerry.selectL2(train.subList(0, 12), train.subList(12, 16),
        List.of(1e-3, 1e-2, 1e-1), 300, root);
    assertTrue(List.of(1e-3, 1e-2, 1e-1).contains(bt.l2()), "λ comes from the grid: " + bt.l2());
    assertEquals(16, bt.accuracy(train) * 16, 1e-9, "refitted on fit ∪ validation: all training pairs right");
    assertEquals(1.0, bt.accuracy(test), 1e-9, "sentiment words carry over to sentences never seen");
    assertThrows(IllegalArgumentException.class, () -> BagOfWordsBradleyTerry.fit(train, 0, 10, root));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
