package dev.juice.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BenchmarkTest {
  static final List<Sentence> UNIQUE = UciSentiment.bundledUnique();

  @Test
  void splitIsStratifiedAndSeeded() {
    Benchmark.Split s = Benchmark.split(UNIQUE, 1);
    assertEquals(2_400, s.train().size());
    assertEquals(UNIQUE.size() - 2_400, s.heldOut().size());
    Set<String> train = s.train().stream().map(Sentence::text).collect(Collectors.toSet());
    assertTrue(s.heldOut().stream().noneMatch(x -> train.contains(x.text())), "no sentence on both sides");
    Map<String, Long> all = UNIQUE.stream().collect(Collectors.groupingBy(x -> x.source() + x.positive(), Collectors.counting()));
    Map<String, Long> tr = s.train().stream().collect(Collectors.groupingBy(x -> x.source() + x.positive(), Collectors.counting()));
    all.forEach((k, n) -> assertEquals(2_400.0 * n / UNIQUE.size(), tr.get(k), 1.0, "stratum " + k));
    assertEquals(s, Benchmark.split(UNIQUE, 1));
    assertNotEquals(s.heldOut(), Benchmark.split(UNIQUE, 2).heldOut());
  }

  @Test
  void preferencePairsShareTheirFirstWordAndKeepTheSeedShareLabelled() {
    List<Sentence> train = Benchmark.split(UNIQUE, 1).train();
    List<Benchmark.Pair> pairs = Benchmark.preferencePairs(train, 0.15, 1);
    assertTrue(pairs.size() > 800, "pairs: " + pairs.size());
    Map<String, Boolean> label = train.stream().collect(Collectors.toMap(Sentence::text, Sentence::positive, (a, b) -> a));
    Set<String> ids = new HashSet<>();
    int aPreferred = 0;
    for (Benchmark.Pair p : pairs) {
      assertTrue(ids.add(p.id()), "unique id");
      String winner = p.prompt() + " " + (p.aPreferred() ? p.a() : p.b());
      String loser = p.prompt() + " " + (p.aPreferred() ? p.b() : p.a());
      assertEquals(Boolean.TRUE, label.get(winner), "the human-positive sentence wins: " + winner);
      assertEquals(Boolean.FALSE, label.get(loser), "over a human-negative one: " + loser);
      if (p.aPreferred()) aPreferred++;
    }
    assertEquals(Math.round(0.15 * pairs.size()), pairs.stream().filter(Benchmark.Pair::labelled).count());
    assertEquals(0.5, aPreferred / (double) pairs.size(), 0.05, "A/B order is random, not always the good one first");
    assertEquals(pairs, Benchmark.preferencePairs(train, 0.15, 1), "seeded");
    Set<String> seed5 = Benchmark.preferencePairs(train, 0.05, 1).stream().filter(Benchmark.Pair::labelled)
        .map(Benchmark.Pair::id).collect(Collectors.toSet());
    Set<String> seed15 = pairs.stream().filter(Benchmark.Pair::labelled).map(Benchmark.Pair::id).collect(Collectors.toSet());
    assertTrue(seed15.containsAll(seed5), "the 5 % seed is part of the 15 % seed (same pairs, same order)");
  }

  /** The validation protocol's split comes out of train only, stratified, and never touches the test split. */
  @Test
  void theValidationSplitIsCarvedFromTrainAndLeavesTheTestSplitAlone() {
    Benchmark.Split s = Benchmark.split(UNIQUE, 1);
    Benchmark.Split v = Benchmark.validation(s, 1);
    assertEquals(Benchmark.VALIDATION, v.heldOut().size());
    assertEquals(s.train().size() - Benchmark.VALIDATION, v.train().size());
    Set<String> test = s.heldOut().stream().map(Sentence::text).collect(Collectors.toSet());
    Set<String> train = s.train().stream().map(Sentence::text).collect(Collectors.toSet());
    assertTrue(v.heldOut().stream().allMatch(x -> train.contains(x.text()) && !test.contains(x.text())));
    assertTrue(v.train().stream().noneMatch(x -> v.heldOut().contains(x)), "disjoint");
    long pos = v.heldOut().stream().filter(Sentence::positive).count();
    double share = s.train().stream().filter(Sentence::positive).count() / (double) s.train().size();
    assertEquals(share * Benchmark.VALIDATION, pos, 2.0, "stratified by label");
    assertTrue(Benchmark.heldOutPrompts(v.heldOut(), 1).size() >= 90, "≈ 100 validation prompts");
    assertEquals(v, Benchmark.validation(s, 1), "seeded");
  }

  /** The held-out evaluation pairs: each positive against up to 4 different negatives of its word, ≥ 500 pairs. */
  @Test
  void evaluationPairsPairEachPositiveWithSeveralNegatives() {
    List<Sentence> heldOut = Benchmark.split(UNIQUE, 1).heldOut();
    List<Benchmark.Pair> one = Benchmark.preferencePairs(heldOut, 1.0, 1);
    List<Benchmark.Pair> three = Benchmark.preferencePairs(heldOut, 1.0, 1, Benchmark.EVAL_NEGATIVES_PER_POSITIVE);
    assertTrue(three.size() >= 500, "held-out pairs: " + three.size() + " (one negative each: " + one.size() + ")");
    assertEquals(one, Benchmark.preferencePairs(heldOut, 1.0, 1, 1), "k = 1 is the one-negative construction");
    Map<String, Boolean> label = heldOut.stream().collect(Collectors.toMap(Sentence::text, Sentence::positive, (a, b) -> a));
    Map<String, Set<String>> negativesOf = new java.util.HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Benchmark.Pair p : three) {
      assertTrue(ids.add(p.id()), "unique id");
      String winner = p.prompt() + " " + (p.aPreferred() ? p.a() : p.b());
      String loser = p.prompt() + " " + (p.aPreferred() ? p.b() : p.a());
      assertEquals(Boolean.TRUE, label.get(winner), winner);
      assertEquals(Boolean.FALSE, label.get(loser), loser);
      assertTrue(negativesOf.computeIfAbsent(winner, w -> new HashSet<>()).add(loser), "a positive meets a negative once");
    }
    assertTrue(negativesOf.values().stream().allMatch(n -> n.size() <= 4));
    assertTrue(negativesOf.values().stream().anyMatch(n -> n.size() == 4));
  }
}
