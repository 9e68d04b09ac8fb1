package dev.juice.evaluator;

import dev.juice.model.CharTokenizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.Sampler;
import dev.juice.model.pipeline.RolloutSampler;
import java.util.ArrayList;
import java.util.Arrays;
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
    CharTokenizer tok = policy.tokenizer();
    int ctx = policy.config().contextLength();
    int maxNew = RolloutSampler.maxNewTokens(ctx, maxNewTokens);
    int rows = prompts.size() * samplesPerPrompt;
    double[] perPrompt = new double[prompts.size()];
    double goldSum = 0;
    double klSum = 0;
    int positive = 0;
    long bigrams = 0;
    Set<String> distinct = new HashSet<>();
    long wordCount = 0;
    long real = 0;
    List<String> examples = new ArrayList<>();
    for (int from = 0; from < rows; from += RolloutSampler.BATCH_ROWS) {
      int to = Math.min(rows, from + RolloutSampler.BATCH_ROWS);
      int[][] ps = new int[to - from][];
      long[] seeds = new long[to - from];
      for (int r = from; r < to; r++) {
        ps[r - from] = RolloutSampler.promptTokens(tok, prompts.get(r / samplesPerPrompt), ctx);
        seeds[r - from] = seed * 1_000_003L + r;
      }
      Sampler.Generation g = Sampler.generate(policy, reference, ps, seeds, new Sampler.Options(maxNew, 1.0f, 0, true));
      for (int r = from; r < to; r++) {
        int[] resp = g.responses()[r - from];
        int n = resp.length > 0 && resp[resp.length - 1] == CharTokenizer.EOS ? resp.length - 1 : resp.length;
        String prompt = prompts.get(r / samplesPerPrompt);
        String response = tok.decode(Arrays.copyOf(resp, n));
        String text = (prompt + " " + response).trim();
        double score = gold.score(text);
        goldSum += score;
        perPrompt[r / samplesPerPrompt] += score / samplesPerPrompt;
        if (score > GoldReward.POSITIVE) positive++;
        klSum += g.logProbs()[r - from] - g.referenceLogProbs()[r - from];
        List<String> w = WordList.tokens(response);
        for (String x : w) if (words.contains(x)) real++;
        wordCount += w.size();
        for (int i = 0; i + 1 < w.size(); i++) {
          distinct.add(w.get(i) + " " + w.get(i + 1));
          bigrams++;
        }
        if (r % samplesPerPrompt == 0 && examples.size() < 8) examples.add(text);
      }
    }
    double win = Double.NaN;
    if (sftPerPromptGold != null) {
      double s = 0;
      for (int i = 0; i < perPrompt.length; i++) {
        s += perPrompt[i] > sftPerPromptGold[i] ? 1 : perPrompt[i] == sftPerPromptGold[i] ? 0.5 : 0;
      }
      win = s / perPrompt.length;
    }
    return new Result(goldSum / rows, positive / (double) rows, win, klSum / rows,
        bigrams == 0 ? 0 : distinct.size() / (double) bigrams, wordCount == 0 ? 0 : real / (double) wordCount, perPrompt, examples);
  }
}
