package dev.juice.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoldRewardTest {
  /**
   * The Java port against VADER's reference JavaScript implementation (vader-sentiment 1.1.3) on all
   * 3,000 bundled sentences: the same class (negative / neutral / positive) for at least 99 %.
   */
  @Test
  void agreesWithTheReferenceImplementation() throws Exception {
    GoldReward gold = new GoldReward();
    int n = 0;
    int sameClass = 0;
    int within001 = 0;
    double absDiff = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("vader-js-1.1.3-scores.tsv"), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        int tab = line.lastIndexOf('\t');
        String text = line.substring(0, tab);
        double ref = Double.parseDouble(line.substring(tab + 1));
        double ours = gold.score(text);
        n++;
        if (GoldReward.polarityClass(ours) == GoldReward.polarityClass(ref)) sameClass++;
        if (Math.abs(ours - ref) <= 0.01) within001++;
        absDiff += Math.abs(ours - ref);
      }
    }
    double agreement = sameClass / (double) n;
    System.out.printf("VADER Java port vs vader-js 1.1.3 on %d sentences: same class %.2f %%, |diff| <= 0.01 %.2f %%, "
        + "mean |diff| %.4f%n", n, 100 * agreement, 100.0 * within001 / n, absDiff / n);
    assertEquals(3000, n);
    assertTrue(agreement >= 0.99, "class agreement " + agreement);
  }

  @Test
  void scoresObviousSentimentTheRightWay() {
    GoldReward gold = new GoldReward();
    assertTrue(gold.score("The food was great and the staff were lovely.") > 0.5);
    assertTrue(gold.score("The food was awful and the staff were rude.") < -0.5);
    assertEquals(0, gold.score(""));
  }

  @Test
  void wordListKnowsEnglishAndNotJunk() {
    WordList w = WordList.bundled();
    assertTrue(w.size() > 100_000);
    assertTrue(w.contains("Great") && w.contains("restaurant") && w.contains("didn't"));
    assertTrue(!w.contains("greaaat") && !w.contains("xqzt"));
    assertEquals(List.of("great", "didn't", "go"), WordList.tokens("Great!!! 'didn't' go..."));
  }
}
