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
   * @param goldResponse mean gold reward of the response alone (without the prompt's own sentiment)
   * @param meanTokens mean generated tokens per sample, EOS included
   * @param eosRate share of samples that emitted EOS before the length limit
   * @param positiveNll sampling-free: mean per-token NLL of held-out positive sentences' responses
   *     given their prompts (NaN until {@link #withLikelihood})
   * @param pairGap sampling-free: mean over held-out pairs of log π(positive response | prompt) −
   *     log π(negative response | prompt), the paper's Figure 1 quantity (NaN until set)
   */
  public record Result(double goldReward, double sharePositive, double winRateVsSft, double kl, double distinct2,
      double realWordShare, double[] perPromptGold, List<String> examples, double goldResponse, double meanTokens,
      double eosRate, double positiveNll, double pairGap) {
    /** The metrics of earlier versions; the rest NaN. */
    public Result(double goldReward, double sharePositive, double winRateVsSft, double kl, double distinct2,
        double realWordShare, double[] perPromptGold, List<String> examples) {
      this(goldReward, sharePositive, winRateVsSft, kl, distinct2, realWordShare, perPromptGold, examples, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The same result with a win rate. */
    public Result withWinRate(double win) {
      return new Result(goldReward, sharePositive, win, kl, distinct2, realWordShare, perPromptGold, examples, goldResponse,
          meanTokens, eosRate, positiveNll, pairGap);
    }

    /** The same result with the sampling-free metrics. */
    public Result withLikelihood(Likelihood l) {
      return new Result(goldReward, sharePositive, winRateVsSft, kl, distinct2, realWordShare, perPromptGold, examples,
          goldResponse, meanTokens, eosRate, l.positiveNll(), l.pairGap());
    }
  }

  /** The sampling-free metrics of {@link #likelihood}. */
  public record Likelihood(double positiveNll, double pairGap) {}

  /**
   * Sampling-free metrics: the mean per-token NLL of {@code positives}' responses and the mean
   * log-probability gap between each pair's human-preferred and other response under the policy.
   *
   * @param positives held-out (prompt, response) of human-positive sentences
   * @param pairs held-out pairs: prompt, preferred response, other response
   */
  public static Likelihood likelihood(PolicyModel policy, List<dev.juice.model.algo.Example> positives, List<String[]> pairs) {
    double nll = positives.isEmpty() ? Double.NaN : dev.juice.model.algo.Trainers.meanResponseNll(policy, positives);
    if (pairs.isEmpty()) return new Likelihood(nll, Double.NaN);
    var tok = policy.tokenizer();
    double gap = 0;
    for (int i = 0; i < pairs.size(); i += 64) {
      List<String[]> chunk = pairs.subList(i, Math.min(pairs.size(), i + 64));
      int[][] prompts = new int[chunk.size() * 2][];
      int[][] responses = new int[chunk.size() * 2][];
      for (int j = 0; j < chunk.size(); j++) {
        int[] x = tok.encode(chunk.get(j)[0]);
        prompts[2 * j] = x;
        prompts[2 * j + 1] = x;
        // whole sentences, closed with EOS as demonstrations are
        responses[2 * j] = dev.juice.model.pipeline.RolloutSampler.responseTokens(tok, chunk.get(j)[1]);
        responses[2 * j + 1] = dev.juice.model.pipeline.RolloutSampler.responseTokens(tok, chunk.get(j)[2]);
      }
      double[] lp = policy.score(prompts, responses);
      for (int j = 0; j < chunk.size(); j++) gap += lp[2 * j] - lp[2 * j + 1];
    }
    return new Likelihood(nll, gap / pairs.size());
  }

  public Result evaluate(PolicyModel policy, PolicyModel reference, List<String> prompts, int samplesPerPrompt,
      int maxNewTokens, long seed, double[] sftPerPromptGold) {
    int rows = prompts.size() * samplesPerPrompt;
    double[] perPrompt = new double[prompts.size()];
    double[] goldSum = {0};
    double[] responseGold = {0};
    long[] tokens = {0};
    int[] finished = {0};
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
      responseGold[0] += gold == null ? Double.NaN : gold.score(row.response().trim());
      tokens[0] += row.tokens();
      if (row.finished()) finished[0]++;
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
        perPrompt, examples, responseGold[0] / rows, tokens[0] / (double) rows, finished[0] / (double) rows, Double.NaN,
        Double.NaN);
  }
}
