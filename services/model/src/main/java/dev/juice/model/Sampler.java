package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.juice.model.text.BpeTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Batched generation. Sampling itself happens in Java with one seeded random stream per row, so a
 * row's continuation depends only on its seed, not on the batch it was generated in. Rows whose
 * prompt is longer than the shortest one are teacher-forced through the rest of their prompt, which
 * keeps every row at the same position and the key/value cache rectangular. A row that has emitted
 * EOS or its last token leaves the batch (with a cache: once a quarter of the batch has finished),
 * so the work follows the tokens generated rather than the longest row.
 */
public final class Sampler {
  private Sampler() {}

  /**
   * Options.
   *
   * @param maxNewTokens stop after this many generated tokens (or at EOS, or at the context end)
   * @param temperature 1.0 samples from π; 0 is greedy
   * @param topK keep only the k most likely tokens (0 = all)
   * @param useCache incremental decoding with a key/value cache (same outputs, faster)
   */
  public record Options(int maxNewTokens, float temperature, int topK, boolean useCache) {}

  /**
   * Generated continuations.
   *
   * @param responses generated token ids per row, with EOS if it was emitted
   * @param logProbs Σ log π(token) of each row's generated tokens under the policy at temperature 1
   * @param referenceLogProbs the same sums under the reference model, or null when none was given
   * @param finished whether the row emitted EOS
   * @param rowSteps rows forwarded, summed over the forwards (prefill counts once per row): the work
   *     done, which dropping finished rows keeps near the tokens generated
   */
  public record Generation(int[][] responses, double[] logProbs, double[] referenceLogProbs, boolean[] finished,
      long rowSteps) {
    public long tokens() {
      return Arrays.stream(responses).mapToLong(r -> r.length).sum();
    }
  }

  /**
   * @param prompts prompt token ids per row (without BOS)
   * @param seeds one seed per row
   */
  public static Generation generate(PolicyModel model, int[][] prompts, long[] seeds, Options o) {
    return generate(model, null, prompts, seeds, o);
  }

  /**
   * Generates with {@code model} and, when {@code reference} is not null, also scores the generated
   * tokens under it (one batched teacher-forced forward, no gradients).
   */
  public static Generation generate(PolicyModel model, PolicyModel reference, int[][] prompts, long[] seeds, Options o) {
    int b = prompts.length;
    BpeTokenizer tok = model.tokenizer();
    int ctx = model.config().contextLength();
    boolean[] allowed = allowedTokens(tok, model.config().vocabSize());
    int nAllowed = 0;
    for (boolean a : allowed) if (a) nAllowed++;
    int v = model.config().vocabSize();
    int[][] seq = new int[b][];
    int minLen = Integer.MAX_VALUE;
    for (int i = 0; i < b; i++) {
      seq[i] = new int[ctx];
      seq[i][0] = tok.bos();
      System.arraycopy(prompts[i], 0, seq[i], 1, prompts[i].length);
      minLen = Math.min(minLen, prompts[i].length + 1);
      if (prompts[i].length + 1 >= ctx) throw new IllegalArgumentException("prompt " + i + " fills the context");
    }
    SplittableRandom[] rnd = new SplittableRandom[b];
    for (int i = 0; i < b; i++) rnd[i] = new SplittableRandom(seeds[i]);
    int[][] out = new int[b][o.maxNewTokens()];
    int[] produced = new int[b];
    double[] logProb = new double[b];
    boolean[] done = new boolean[b];
    int maxPromptEnd = 0;
    for (int[] p : prompts) maxPromptEnd = Math.max(maxPromptEnd, p.length + 1);
    float[] logp = new float[b * v]; // log π(· | prefix) at temperature 1, one row per live batch row
    float[] probs = o.temperature() > 0 ? new float[b * v] : null; // π at the sampling temperature
    int[] live = new int[b]; // batch position -> row: finished rows leave the batch
    boolean[] over = new boolean[b]; // per batch position: the row will not generate again
    for (int i = 0; i < b; i++) live[i] = i;
    int n = b;
    long rowSteps = 0;
    try (NDManager gen = model.manager().newSubManager()) {
      // the cache holds every row's prompt and its new tokens: no more, as attention reads all of it
      Transformer.KvCache cache = o.useCache()
          ? new Transformer.KvCache(gen, Math.min(ctx, maxPromptEnd + o.maxNewTokens())) : null;
      int pos = minLen; // tokens known for every row
      // prefill: positions [0, minLen)
      readLast(model, gen, seq, live, n, 0, pos, cache, o.temperature(), logp, probs);
      rowSteps += n;
      while (pos < ctx) {
        boolean anyActive = false;
        int finished = 0; // rows that will not generate again: nothing after this step needs them
        for (int k = 0; k < n; k++) {
          int i = live[k];
          int promptEnd = prompts[i].length + 1;
          int next;
          if (pos < promptEnd) {
            next = seq[i][pos]; // still inside this row's prompt: teacher-force
            anyActive = true;
          } else if (!done[i] && produced[i] < o.maxNewTokens()) {
            int t = pick(logp, probs, k * v, v, o, rnd[i], allowed, nAllowed, tok.eos());
            logProb[i] += logp[k * v + t];
            out[i][produced[i]++] = t;
            next = t;
            if (t == tok.eos()) done[i] = true;
            anyActive |= !done[i] && produced[i] < o.maxNewTokens();
          } else {
            next = tok.pad();
          }
          seq[i][pos] = next;
          over[k] = pos + 1 >= promptEnd && (done[i] || produced[i] >= o.maxNewTokens());
          if (over[k]) finished++;
        }
        if (!anyActive || pos + 1 >= ctx) break;
        // drop finished rows: at once without a cache (each forward recomputes every row anyway), with
        // one once a quarter of the batch is finished (gathering the cache costs about a step)
        if (finished > 0 && (cache == null || (n - finished) * 4 <= n * 3)) {
          int[] keep = new int[n - finished];
          int[] kept = new int[n - finished];
          int j = 0;
          for (int k = 0; k < n; k++) {
            if (!over[k]) {
              keep[j] = k;
              kept[j++] = live[k];
            }
          }
          if (cache != null) cache.keepRows(keep);
          live = kept;
          n = kept.length;
        }
        readLast(model, gen, seq, live, n, cache == null ? 0 : pos, pos + 1, cache, o.temperature(), logp, probs);
        rowSteps += n;
        pos++;
      }
    }
    int[][] responses = new int[b][];
    for (int i = 0; i < b; i++) responses[i] = Arrays.copyOf(out[i], produced[i]);
    double[] refLogProb = reference == null ? null : reference.score(prompts, responses);
    return new Generation(responses, logProb, refLogProb, done, rowSteps);
  }

  /**
   * Forwards positions [from, to) of the live rows {@code live[0..n)} (with the cache: only the new
   * tokens), and copies the last position's log-softmax at temperature 1 into {@code logp}, one row
   * per batch position, and, when sampling, the softmax at the sampling
   * temperature into {@code probs}: both computed natively, so the per-token Java work is one pass.
   */
  private static void readLast(PolicyModel model, NDManager gen, int[][] seq, int[] live, int n, int from, int to,
      Transformer.KvCache cache, float temperature, float[] logp, float[] probs) {
    int b = n;
    int t = to - from;
    int[] flat = new int[b * t];
    for (int k = 0; k < b; k++) System.arraycopy(seq[live[k]], from, flat, k * t, t);
    try (NDManager step = gen.newSubManager()) {
      NDArray tokens = step.create(flat, new Shape(b, t));
      NDArray last = model.lastLogits(tokens, cache); // (B, V)
      NDArray logSoftmax = last.logSoftmax(-1);
      float[] lp = logSoftmax.toFloatArray();
      System.arraycopy(lp, 0, logp, 0, lp.length);
      if (probs != null) {
        NDArray p = temperature == 1f ? logSoftmax.exp() : last.mul(step.create(1f / temperature)).softmax(-1);
        float[] pr = p.toFloatArray();
        System.arraycopy(pr, 0, probs, 0, pr.length);
      }
    }
  }

  /** Which of the model's v token ids may be generated (computed once per generation, not per token). */
  static boolean[] allowedTokens(BpeTokenizer tok, int v) {
    boolean[] allowed = new boolean[v];
    for (int j = 0; j < Math.min(v, tok.vocabSize()); j++) allowed[j] = tok.generable(j);
    return allowed;
  }

  /**
   * One token from a row's distribution: {@code logp} the row's log-probabilities at temperature 1
   * (greedy takes their argmax), {@code probs} its probabilities at the sampling temperature. PAD
   * and BOS are never generated (they mark structure, not text), nor ids past the tokenizer's
   * vocabulary (rows a checkpoint may pad its embedding with): the draw renormalises over the
   * allowed (and, with top-k, the k most likely allowed) tokens by inverse CDF with one uniform.
   */
  static int pick(float[] logp, float[] probs, int off, int v, Options o, SplittableRandom rnd, boolean[] allowed,
      int nAllowed, int eos) {
    if (o.temperature() <= 0) {
      int best = -1;
      for (int j = 0; j < v; j++) {
        if (allowed[j] && (best < 0 || logp[off + j] > logp[off + best])) best = j;
      }
      return best;
    }
    float cutoff = Float.NEGATIVE_INFINITY;
    if (o.topK() > 0 && o.topK() < nAllowed) {
      float[] kept = new float[nAllowed];
      int n = 0;
      for (int j = 0; j < v; j++) if (allowed[j]) kept[n++] = logp[off + j];
      Arrays.sort(kept);
      cutoff = kept[kept.length - o.topK()]; // ranked by log π: the same order at any temperature
    }
    double sum = 0;
    for (int j = 0; j < v; j++) if (allowed[j] && logp[off + j] >= cutoff) sum += probs[off + j];
    if (!(sum > 1e-30)) return pickUnderflowed(logp, off, v, o, rnd, allowed, cutoff, eos);
    double u = rnd.nextDouble() * sum;
    int lastKept = -1;
    for (int j = 0; j < v; j++) {
      if (allowed[j] && logp[off + j] >= cutoff && probs[off + j] > 0) {
        u -= probs[off + j];
        lastKept = j;
        if (u < 0) return j;
      }
    }
    return lastKept >= 0 ? lastKept : eos; // rounding left u a hair above 0
  }

  /**
   * The allowed tokens' float probabilities all rounded to 0 (the model put nearly all its mass on
   * PAD/BOS): weights from log-probabilities relative to the best allowed token, in double.
   */
  private static int pickUnderflowed(float[] logp, int off, int v, Options o, SplittableRandom rnd, boolean[] allowed,
      float cutoff, int eos) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < v; j++) if (allowed[j] && logp[off + j] >= cutoff) max = Math.max(max, logp[off + j]);
    if (max == Double.NEGATIVE_INFINITY) return eos;
    double[] w = new double[v];
    double sum = 0;
    for (int j = 0; j < v; j++) {
      if (allowed[j] && logp[off + j] >= cutoff) {
        w[j] = Math.exp((logp[off + j] - max) / o.temperature());
        sum += w[j];
      }
    }
    double u = rnd.nextDouble() * sum;
    for (int j = 0; j < v; j++) {
      u -= w[j];
      if (u < 0 && w[j] > 0) return j;
    }
    for (int j = v - 1; j >= 0; j--) if (w[j] > 0) return j;
    return eos;
  }
}
