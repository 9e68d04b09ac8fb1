package dev.juice.launcher;

import dev.juice.common.Hashing;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import ai.djl.ndarray.NDManager;
import dev.juice.model.algo.BagOfWordsBradleyTerry;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.Preference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's data as the learners take it: demonstrations and preference pairs. */
final class BenchData {
  /** λ grid of the bag-of-words baseline; the value is chosen on a validation split. */
  static final List<Double> L2_GRID = List.of(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1);
  /** Full-batch Adam steps of each bag-of-words fit (the loss is convex; this reaches its optimum). */
  static final int BOW_STEPS = 300;

  /**
   * The bag-of-words Bradley–Terry baseline on the labelled pairs, its λ chosen on a
   * {@code validation} share of them ({@link #validationSplit}) and refitted on all; with too few
   * pairs for a validation split, λ = 1e-2.
   */
  static BagOfWordsBradleyTerry bagOfWords(List<Preference> labelled, double validation, long seed, NDManager root) {
    List<List<Preference>> fv = validationSplit(labelled, validation, seed);
    return fv.get(1).isEmpty()
        ? BagOfWordsBradleyTerry.fit(labelled, 1e-2, BOW_STEPS, root)
        : BagOfWordsBradleyTerry.selectL2(fv.get(0), fv.get(1), L2_GRID, BOW_STEPS, root);
  }

  private BenchData() {}

  /** The positive sentences as (prompt, response) with a seeded prompt split: held-out demonstrations. */
  static List<dev.juice.model.algo.Example> positiveExamples(List<Sentence> sentences, long seed) {
    List<dev.juice.model.algo.Example> out = new ArrayList<>();
    for (Sentence s : sentences) {
      if (s.positive()) PromptSplit.split(s.text(), seed).ifPresent(p -> out.add(new dev.juice.model.algo.Example(p.prompt(), p.response())));
    }
    return out;
  }

  /** Demonstrations (prompt = a seeded prefix of each sentence), id = SHA-256 of prompt + response. */
  static List<Demo> demos(List<Sentence> sentences, long seed) {
    List<Demo> demos = new ArrayList<>();
    for (Sentence s : sentences) {
      PromptSplit.split(s.text(), seed).ifPresent(p -> demos.add(new Demo(
          Hashing.sha256Hex((p.prompt() + "\n" + p.response()).getBytes(StandardCharsets.UTF_8)), p.prompt(), p.response())));
    }
    return demos;
  }

  /** Preference pairs with the seed share labelled and the rest carrying only a hidden label. */
  static List<Preference> preferences(List<Sentence> sentences, double share, long seed) {
    return preferences(sentences, share, seed, 1);
  }

  /**
   * Held-out pairs for measuring an RM: every pair labelled, each positive against up to
   * {@link Benchmark#EVAL_NEGATIVES_PER_POSITIVE} negatives of its first word.
   */
  static List<Preference> evaluationPairs(List<Sentence> heldOut, long seed) {
    return preferences(heldOut, 1.0, seed, Benchmark.EVAL_NEGATIVES_PER_POSITIVE);
  }

  private static List<Preference> preferences(List<Sentence> sentences, double share, long seed, int negatives) {
    List<Preference> out = new ArrayList<>();
    for (Benchmark.Pair q : Benchmark.preferencePairs(sentences, share, seed, negatives)) {
      out.add(new Preference(q.id(), q.prompt(), q.a(), q.b(), q.labelled() ? q.aPreferred() : null,
          q.labelled() ? null : q.aPreferred()));
    }
    return out;
  }

  /**
   * A deterministic (fit, validation) split: a pair is in validation when the hash of its id and the
   * seed falls below {@code share}, so the split does not depend on list order.
   */
  static List<List<Preference>> validationSplit(List<Preference> pairs, double share, long seed) {
    List<Preference> fit = new ArrayList<>();
    List<Preference> val = new ArrayList<>();
    for (Preference p : pairs) {
      byte[] h = Hashing.sha256().digest((seed + "/validation/" + p.id()).getBytes(StandardCharsets.UTF_8));
      long v = java.nio.ByteBuffer.wrap(h).getLong() >>> 11;
      (v / (double) (1L << 53) < share ? val : fit).add(p);
    }
    return List.of(fit, val);
  }
}
