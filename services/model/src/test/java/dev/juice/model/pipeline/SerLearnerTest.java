package dev.juice.model.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.TinyModels;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SER on a toy task a tiny RM can learn: "good" words beat "bad" words after a shared prompt. */
class SerLearnerTest {
  static final String[] SUBJECTS = {"The food", "Our waiter", "The room", "This phone", "The plot", "My order"};
  static final String[] GOOD = {"was great", "is lovely", "felt superb", "was nice", "is good"};
  static final String[] BAD = {"was awful", "is rude", "felt cold", "was poor", "is bad"};
  static TinyModels models;

  @BeforeAll
  static void setUp() {
    List<String> text = new ArrayList<>();
    for (String s : SUBJECTS) for (String g : GOOD) text.add(s + " " + g + " " + BAD[0]);
    for (String b : BAD) text.add(b);
    models = new TinyModels(text);
  }

  @AfterAll
  static void tearDown() {
    models.close();
  }

  /** n pairs; A is the good one on a random half; the first {@code labelled} keep their label, the rest only the hidden one. */
  static List<Preference> pairs(String prefix, int n, int labelled, long seed, boolean flipHidden) {
    Random rnd = new Random(seed);
    List<Preference> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String x = SUBJECTS[rnd.nextInt(SUBJECTS.length)];
      String good = GOOD[rnd.nextInt(GOOD.length)] + ".";
      String bad = BAD[rnd.nextInt(BAD.length)] + ".";
      boolean aGood = rnd.nextBoolean();
      Boolean truth = aGood;
      out.add(new Preference(String.format("%s%03d", prefix, i), x, aGood ? good : bad, aGood ? bad : good,
          i < labelled ? truth : null, i < labelled ? null : (flipHidden ? !truth : truth)));
    }
    return out;
  }

  /** The reward-trainer's split: labelled pairs only, exact share, disjoint, and the same pairs in any arrival order. */
  @Test
  void holdOutKeepsAShareOfTheLabelledPairsWhateverTheirOrder() {
    List<Preference> all = pairs("h", 96, 20, 3, false);
    SerLearner.Split s = SerLearner.holdOut(all, 0.2);
    assertEquals(4, s.heldOut().size());
    assertEquals(92, s.train().size());
    assertTrue(s.heldOut().stream().allMatch(Preference::labelled), "only human-labelled pairs measure the RM");
    assertEquals(16, s.train().stream().filter(Preference::labelled).count());
    assertTrue(s.train().stream().noneMatch(s.heldOut()::contains), "disjoint");
    List<Preference> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, new Random(9));
    assertEquals(ids(s.heldOut()), ids(SerLearner.holdOut(shuffled, 0.2).heldOut()), "depends on the ids, not the order");
    assertTrue(SerLearner.holdOut(all, 0).heldOut().isEmpty());
    assertEquals(1, SerLearner.holdOut(pairs("h", 10, 5, 3, false), 0.05).heldOut().size(), "at least one from five labelled");
    assertEquals(1, SerLearner.holdOut(pairs("h", 10, 2, 3, false), 0.9).train().stream().filter(Preference::labelled).count(),
        "never all of them: the seed RM needs one");
    assertThrows(IllegalArgumentException.class, () -> SerLearner.holdOut(all, 1.0));
  }

  private static java.util.Set<String> ids(List<Preference> ps) {
    return new java.util.TreeSet<>(ps.stream().map(Preference::id).toList());
  }

  static SerLearner.Config config() {
    return new SerLearner.Config(4, new TrainConfig(10, 8, 2e-3f, 0f, 1f, 5), 0.01, 5);
  }

  @Test
  void selfLabelsThePoolAndReportsEveryLoop() {
    List<Preference> train = pairs("p", 80, 24, 1, false);
    List<Preference> heldOut = pairs("h", 40, 40, 2, false);
    try (PolicyModel trunk = models.policy(3); RewardModel rm = RewardModel.fromPolicy(trunk, models.root, 3)) {
      SerLearner ser = new SerLearner(rm, config());
      List<SerLearner.Loop> seen = new ArrayList<>();
      List<SerLearner.Loop> loops = ser.run(train, heldOut, Progress.NONE, seen::add);
      assertEquals(loops, seen, "every row is reported as it is measured");
      assertEquals(0, loops.get(0).loop());
      assertEquals(24, loops.get(0).trainPairs(), "the seed RM trains on the labelled pairs only");
      assertEquals(56, loops.get(0).poolLeft());
      assertTrue(loops.size() >= 2, "at least one self-labelling loop: " + loops);
      int kept = 0;
      double right = 0;
      for (int i = 1; i < loops.size(); i++) {
        SerLearner.Loop l = loops.get(i);
        assertTrue(l.keptStatus1() + l.keptStatus2() > 0, "a loop exists only when something new qualified");
        kept += l.keptStatus1() + l.keptStatus2();
        assertEquals(24 + kept, l.trainPairs(), "seed ∪ everything kept so far");
        assertEquals(56 - kept, l.poolLeft());
        right += l.precision() * (l.keptStatus1() + l.keptStatus2());
      }
      assertTrue(right / kept >= 0.8, "self-labels mostly right on a learnable task: " + loops);
      SerLearner.Loop last = loops.get(loops.size() - 1);
      assertTrue(last.heldOutAccuracy() >= 0.8, "final RM separates good from bad: " + loops);
      assertTrue(last.rewardStd() > 0, "reward scale reported");
      assertTrue(SerLearner.accuracy(rm, heldOut) == last.heldOutAccuracy(), "the RM ends as the last loop's model");
    }
  }

  @Test
  void hiddenLabelsNeverReachTraining() {
    List<Preference> honest = pairs("p", 40, 8, 4, false);
    List<Preference> flipped = pairs("p", 40, 8, 4, true);
    String[] hashes = new String[2];
    double[] precision = new double[2];
    for (int k = 0; k < 2; k++) {
      try (PolicyModel trunk = models.policy(3); RewardModel rm = RewardModel.fromPolicy(trunk, models.root, 3)) {
        List<SerLearner.Loop> loops = new SerLearner(rm, config()).run(k == 0 ? honest : flipped, List.of(), Progress.NONE, l -> { });
        hashes[k] = WeightsCodec.sha256Hex(WeightsCodec.encode(rm));
        precision[k] = loops.size() > 1 ? loops.get(1).precision() : Double.NaN;
      }
    }
    assertEquals(hashes[0], hashes[1], "flipping the hidden labels changes nothing but the reported precision");
    if (!Double.isNaN(precision[0])) assertEquals(1.0, precision[0] + precision[1], 1e-9);
  }

  @Test
  void needsAtLeastOneLabelledPair() {
    try (PolicyModel trunk = models.policy(3); RewardModel rm = RewardModel.fromPolicy(trunk, models.root, 3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new SerLearner(rm, config()).run(pairs("p", 5, 0, 1, false), List.of(), Progress.NONE, l -> { }));
      assertTrue(e.getMessage().contains("labelled"));
    }
  }
}
