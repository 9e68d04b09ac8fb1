package dev.juice.evaluator;

import dev.juice.model.PolicyModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * BENCHMARK.md's metrics for one policy on held-out prompts: {@code n} samples per prompt at
 * temperature 1.0, scored by the gold reward on prompt + " " + response.
 */
public final class Evaluation {
  private final GoldReward gold;
  private final WordList words;

  public Evaluation(GoldReward gold, WordList words) {
    this.gold = gold;
    this.words = words;
  }

  /**
   * Metrics of one policy.
   *
   * @param goldReward mean gold reward over all samples
   * @param sharePositive share of samples with gold > 0.05
   * @param winRateVsSft per prompt, the policy's mean gold against the SFT model's (win 1, tie ½); NaN without SFT figures
   * @param kl mean over samples of log π(ỹ|x) − log π_ref(ỹ|x) (sampled KL to the reference)
   * @param distinct2 distinct word bigrams / all word bigrams
   * @param realWordShare share of generated words found in the word list
   * @param perPromptGold each prompt's mean gold reward (for win rates against this policy)
   * @param examples a few generations (prompt + response) for the report
   */
  public record Result(double goldReward, double sharePositive, double winRateVsSft, double kl, double distinct2,
      double realWordShare, double[] perPromptGold, List<String> examples) {}

  public Result evaluate(PolicyModel policy, PolicyModel reference, List<String> prompts, int samplesPerPrompt,
      int maxNewTokens, long seed, double[] sftPerPromptGold) {
    int rows = prompts.size() * samplesPerPrompt;
    double[] perPrompt = new double[prompts.size()];
    double[] goldSum = {0};
    double[] klSum = {0};
    int[] positive = {0};
    long[] bigrams = {0};
    Set<String> distinct = new HashSet<>();
    long[] wordCount = {0};
    long[] real = {0};
    List<String> examples = new ArrayList<>();
    Generations.sample(policy, reference, prompts, samplesPerPrompt, maxNewTokens, 1.0f, seed, row -> {
      String text = (prompts.get(row.promptIndex()) + " " + row.response()).trim();
      double score = gold == null ? Double.NaN : gold.score(text);
      goldSum[0] += score;
      perPrompt[row.promptIndex()] += score / samplesPerPrompt;
      if (score > GoldReward.POSITIVE) positive[0]++;
      klSum[0] += row.logProb() - row.refLogProb();
      List<String> w = WordList.tokens(row.response());
      for (String x : w) if (words.contains(x)) real[0]++;
      wordCount[0] += w.size();
      for (int i = 0; i + 1 < w.size(); i++) {
        distinct.add(w.get(i) + " " + w.get(i + 1));
        bigrams[0]++;
      }
      if (row.sample() == 0 && examples.size() < 8) examples.add(text);
    });
    double win = Double.NaN;
    if (sftPerPromptGold != null && gold != null) {
      double s = 0;
      for (int i = 0; i < perPrompt.length; i++) {
        s += perPrompt[i] > sftPerPromptGold[i] ? 1 : perPrompt[i] == sftPerPromptGold[i] ? 0.5 : 0;
      }
      win = s / perPrompt.length;
    }
    return new Result(goldSum[0] / rows, gold == null ? Double.NaN : positive[0] / (double) rows, win, klSum[0] / rows,
        bigrams[0] == 0 ? 0 : distinct.size() / (double) bigrams[0], wordCount[0] == 0 ? 0 : real[0] / (double) wordCount[0],
        perPrompt, examples);
  }
}
