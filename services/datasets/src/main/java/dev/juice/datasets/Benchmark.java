package dev.juice.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
      // cumulative rounding: the strata's train counts add up to exactly TRAIN
      int target = (int) Math.round((double) TRAIN * seen / sorted.size()) - assigned;
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

  /** Lower-cased first word, the key preference pairs share. */
  public static String firstWord(String text) {
    String[] w = text.trim().split("\\s+");
    return w[0].toLowerCase(Locale.ROOT);
  }
}
