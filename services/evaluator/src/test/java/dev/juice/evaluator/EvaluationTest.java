package dev.juice.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.algo.Example;
import dev.juice.model.algo.Trainers;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluation's shape metrics and its two sampling-free metrics, on a tiny policy. */
class EvaluationTest {
  static final List<String> TEXT = List.of("I hate this place", "The food was great.", "The food was awful.",
      "Service was slow.", "We loved the staff.");
  static NDManager root;
  static BpeTokenizer tok;

  @BeforeAll
  static void setUp() {
    Engines.pytorch(2);
    root = Engines.newManager();
    tok = BpeTrainer.train(TEXT, 3 + 256 + 48).tokenizer();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  @Test
  void thePairGapIsThePreferredMinusTheOtherSequenceLogProbAndTheNllIsTheTrainersOne() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(tok.vocabSize()), tok, root, 3)) {
      List<Example> positives = List.of(new Example("The food", "was great."), new Example("We loved", "the staff."));
      List<String[]> pairs = List.<String[]>of(new String[] {"The food", "was great.", "was awful."},
          new String[] {"Service", "was great.", "was slow."});
      Evaluation.Likelihood l = Evaluation.likelihood(m, positives, pairs);
      assertEquals(Trainers.meanResponseNll(m, positives), l.positiveNll(), 1e-9);
      double expected = 0;
      for (String[] p : pairs) {
        int[] x = tok.encode(p[0]);
        double[] lp = m.score(new int[][] {x, x}, new int[][] {eos(tok.encodeResponse(p[1])), eos(tok.encodeResponse(p[2]))});
        expected += (lp[0] - lp[1]) / pairs.size();
      }
      assertEquals(expected, l.pairGap(), 1e-4);
      List<String[]> swapped = pairs.stream().map(p -> new String[] {p[0], p[2], p[1]}).toList();
      assertEquals(-l.pairGap(), Evaluation.likelihood(m, positives, swapped).pairGap(), 1e-4, "swapping the sides negates the gap");
      assertTrue(Double.isNaN(Evaluation.likelihood(m, List.of(), List.of()).pairGap()));
    }
  }

  private int[] eos(int[] r) {
    int[] out = java.util.Arrays.copyOf(r, r.length + 1);
    out[r.length] = tok.eos();
    return out;
  }

  @Test
  void lengthEosRateAndResponseOnlyGoldAreMeasured() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(tok.vocabSize()), tok, root, 4)) {
      Evaluation e = new Evaluation(new GoldReward(), WordList.bundled());
      List<String> prompts = List.of("I hate this place", "We loved the staff");
      Evaluation.Result r = e.evaluate(m, m, prompts, 4, 6, 1, null);
      assertTrue(r.meanTokens() >= 1 && r.meanTokens() <= 6, "at most the limit (EOS included): " + r.meanTokens());
      assertTrue(r.eosRate() >= 0 && r.eosRate() <= 1);
      // the prompts carry strong sentiment of their own: scoring prompt + response differs from the response alone
      assertNotEquals(r.goldReward(), r.goldResponse(), 1e-6);
      assertTrue(Math.abs(r.goldResponse()) <= 1);
      assertTrue(Double.isNaN(r.pairGap()), "sampling-free metrics are set by withLikelihood");
      Evaluation.Result w = r.withLikelihood(new Evaluation.Likelihood(1.5, -0.25));
      assertEquals(1.5, w.positiveNll());
      assertEquals(-0.25, w.pairGap());
      assertEquals(r.goldReward(), w.goldReward());
    }
  }
}
