package dev.juice.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UciSentimentTest {
  @Test
  void bundledDataMatchesTheDocumentedCounts() {
    List<Sentence> all = UciSentiment.bundled();
    assertEquals(3000, all.size(), "3 x 1,000, placeholders dropped");
    assertEquals(1500, all.stream().filter(Sentence::positive).count());
    assertEquals(2979, UciSentiment.bundledUnique().size(), "BENCHMARK.md: 2,979 unique sentences");
    assertEquals(List.of("imdb", "amazon", "yelp"), all.stream().map(Sentence::source).distinct().toList());
  }

  @Test
  void promptIsTwoToFourWordsAndTheSplitIsDeterministic() {
    for (Sentence s : UciSentiment.bundledUnique()) {
      var pair = PromptSplit.split(s.text(), 0);
      if (pair.isEmpty()) {
        assertTrue(s.text().split("\\s+").length < 3);
        continue;
      }
      int words = pair.get().prompt().split(" ").length;
      assertTrue(words >= 2 && words <= 4, s.text());
      assertFalse(pair.get().response().isBlank());
      assertEquals(pair, PromptSplit.split(s.text(), 0));
      assertEquals(String.join(" ", s.text().trim().split("\\s+")), pair.get().prompt() + " " + pair.get().response());
    }
    assertEquals(PromptSplit.split("one two three four five six", 0).get().prompt().split(" ").length,
        PromptSplit.split("one two three four five six", 3).get().prompt().split(" ").length,
        "seeds that differ by a multiple of 3 give the same split");
  }

  @Test
  void mojibakeIsRepairedSoNoSentenceCarriesControlCharacters() {
    assertEquals("a \u2013 b\u2026", UciSentiment.repairCp1252("a \u0096 b\u0085"));
    for (Sentence s : UciSentiment.bundled()) {
      assertTrue(s.text().chars().noneMatch(c -> Character.isISOControl(c) && !Character.isWhitespace(c)), s.source());
    }
  }

  @Test
  void detectsTheFormat() {
    assertTrue(UciSentiment.looksLikeUci("  [{\"text\":".getBytes()));
    assertFalse(UciSentiment.looksLikeUci("{\"prompt\":".getBytes()));
  }
}
