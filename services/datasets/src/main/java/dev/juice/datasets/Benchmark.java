package dev.juice.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The "positive reviews" task of BENCHMARK.md, seeded and reproducible: the 2,979 unique bundled
 * sentences split by sentence, stratified by source × label, into 2,400 train and the rest held
 * out; demonstrations are the human-positive train sentences, a share ρ of them replaced by
 * human-negative ones (fluent but wrong intent).
 */
public final class Benchmark {
  public static final int TRAIN = 2_400;

  /** A split. */
  public record Split(List<Sentence> train, List<Sentence> heldOut) {}

  private Benchmark() {}

  /** Stratified by source × label: each stratum keeps its share of the 2,400 train sentences. */
  public static Split split(List<Sentence> unique, long seed) {
    return partition(unique, TRAIN, seed);
  }

  /** Sentences the validation split takes from train (≈ 100 of them give a prompt: "≈ 100 prompts"). */
  public static final int VALIDATION = 120;

  /**
   * The validation protocol's split: {@link #VALIDATION} sentences carved out of {@code s.train()}
   * (stratified the same way, with a seed of their own) become the "held-out" side, the rest the
   * training side; {@code s.heldOut()} — the test split — is not used at all. Every hyper-parameter
   * is chosen on this split, so the test split is scored only once the choices are written down.
   */
  public static Split validation(Split s, long seed) {
    return partition(s.train(), s.train().size() - VALIDATION, seed ^ 0x7A1DL);
  }

  /** Stratified by source × label: {@code keep} sentences on the first side, each stratum in proportion. */
  private static Split partition(List<Sentence> unique, int keep, long seed) {
    Map<String, List<Sentence>> strata = new LinkedHashMap<>();
    List<Sentence> sorted = new ArrayList<>(unique);
    sorted.sort(Comparator.comparing(Sentence::source).thenComparing(Sentence::text));
    for (Sentence s : sorted) strata.computeIfAbsent(s.source() + "/" + s.positive(), k -> new ArrayList<>()).add(s);
    List<Sentence> train = new ArrayList<>();
    List<Sentence> held = new ArrayList<>();
    Random rnd = new Random(seed);
    int assigned = 0;
    int seen = 0;
    for (List<Sentence> stratum : strata.values()) {
      Collections.shuffle(stratum, rnd);
      seen += stratum.size();
      // cumulative rounding: the strata's counts add up to exactly keep
      int target = (int) Math.round((double) keep * seen / sorted.size()) - assigned;
      train.addAll(stratum.subList(0, target));
      held.addAll(stratum.subList(target, stratum.size()));
      assigned += target;
    }
    return new Split(train, held);
  }

  /**
   * Demonstrations: the positive train sentences, with a share ρ replaced by negative ones (chosen
   * with the seed). The list keeps its size.
   */
  public static List<Sentence> demonstrations(List<Sentence> train, double rho, long seed) {
    List<Sentence> pos = new ArrayList<>(train.stream().filter(Sentence::positive).toList());
    List<Sentence> neg = new ArrayList<>(train.stream().filter(s -> !s.positive()).toList());
    Random rnd = new Random(seed ^ 0x5EEDL);
    Collections.shuffle(pos, rnd);
    Collections.shuffle(neg, rnd);
    int replace = (int) Math.round(rho * pos.size());
    List<Sentence> out = new ArrayList<>(pos.subList(replace, pos.size()));
    out.addAll(neg.subList(0, Math.min(replace, neg.size())));
    out.sort(Comparator.comparing(Sentence::text));
    return out;
  }

  /** Held-out prompts (first 2–4 words) of every held-out sentence that can be split, both labels. */
  public static List<String> heldOutPrompts(List<Sentence> heldOut, long seed) {
    List<String> prompts = new ArrayList<>();
    for (Sentence s : heldOut) PromptSplit.split(s.text(), seed).ifPresent(p -> prompts.add(p.prompt()));
    return prompts;
  }

  /**
   * A preference pair for SER: two sentences sharing their first word, prompt = that word, responses =
   * the rest of each; the human-positive one is preferred.
   *
   * @param aPreferred whether A is the human-positive sentence (the truth; hidden unless labelled)
   * @param labelled whether the pair keeps its human label (the seed share s)
   */
  public record Pair(String id, String prompt, String a, String b, boolean aPreferred, boolean labelled) {}

  /**
   * Preference pairs of BENCHMARK.md: every positive sentence is paired with a negative one that
   * starts with the same word (negatives reused round-robin when a word has fewer of them), A/B
   * order drawn at random, and a seeded share {@code s} of the pairs keeps its label. Deterministic in
   * (sentences, s, seed).
   */
  public static List<Pair> preferencePairs(List<Sentence> sentences, double share, long seed) {
    return preferencePairs(sentences, share, seed, 1);
  }

  /**
   * Negatives per positive of the held-out evaluation pairs: ≈ 180 held-out positives give ≈ 600
   * pairs (seeds 1–3: 597, 598, 625), a standard error of ≈ 0.016 per seed at 80 % accuracy.
   */
  public static final int EVAL_NEGATIVES_PER_POSITIVE = 4;

  /**
   * As {@link #preferencePairs(List, double, long)}, each positive paired with up to {@code negatives}
   * different negatives of its first word (as many as that word has): more pairs from the same
   * sentences, for measuring an RM's accuracy with less sampling error. With 1 it is exactly the
   * one-negative construction.
   */
  public static List<Pair> preferencePairs(List<Sentence> sentences, double share, long seed, int negatives) {
    if (share < 0 || share > 1) throw new IllegalArgumentException("seed share must be in [0, 1], got " + share);
    if (negatives < 1) throw new IllegalArgumentException("negatives per positive must be at least 1, got " + negatives);
    Map<String, List<Sentence>> pos = new java.util.TreeMap<>();
    Map<String, List<Sentence>> neg = new java.util.TreeMap<>();
    List<Sentence> sorted = new ArrayList<>(sentences);
    sorted.sort(Comparator.comparing(Sentence::text));
    for (Sentence s : sorted) {
      String[] w = s.text().trim().split("\\s+", 2);
      if (w.length < 2) continue;
      (s.positive() ? pos : neg).computeIfAbsent(w[0], k -> new ArrayList<>()).add(s);
    }
    Random rnd = new Random(seed ^ 0x9A1B5L);
    List<Pair> out = new ArrayList<>();
    for (var e : pos.entrySet()) {
      List<Sentence> n = neg.get(e.getKey());
      if (n == null) continue;
      List<Sentence> p = new ArrayList<>(e.getValue());
      List<Sentence> q = new ArrayList<>(n);
      Collections.shuffle(p, rnd);
      Collections.shuffle(q, rnd);
      int k = Math.min(negatives, q.size());
      for (int i = 0; i < p.size(); i++) {
        String good = p.get(i).text().trim().split("\\s+", 2)[1];
        for (int j = 0; j < k; j++) { // k different negatives: consecutive in the shuffled round-robin
          String bad = q.get((i * k + j) % q.size()).text().trim().split("\\s+", 2)[1];
          if (good.equals(bad)) continue;
          boolean aGood = rnd.nextBoolean();
          String a = aGood ? good : bad;
          String b = aGood ? bad : good;
          String id = "p-" + Integer.toHexString((e.getKey() + "\n" + a + "\n" + b).hashCode()) + "-" + out.size();
          out.add(new Pair(id, e.getKey(), a, b, aGood, false));
        }
      }
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) idx.add(i);
    Collections.shuffle(idx, new Random(seed ^ 0x5E1FL));
    int labelled = (int) Math.round(share * out.size());
    for (int i = 0; i < labelled; i++) {
      Pair q = out.get(idx.get(i));
      out.set(idx.get(i), new Pair(q.id(), q.prompt(), q.a(), q.b(), q.aPreferred(), true));
    }
    return out;
  }
}
