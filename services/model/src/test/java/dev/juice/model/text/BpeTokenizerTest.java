package dev.juice.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {
  /** Sennrich et al.'s example words, one word per text (no spaces, so no 'Ġ' symbols). */
  static List<String> corpus() {
    List<String> t = new ArrayList<>();
    t.addAll(Collections.nCopies(5, "low"));
    t.addAll(Collections.nCopies(2, "lower"));
    t.addAll(Collections.nCopies(6, "newest"));
    t.addAll(Collections.nCopies(3, "widest"));
    return t;
  }

  /**
   * Worked by hand: counts es = st = 9 (tie → "e s" sorts first), then es+t = 9, lo = ow = 7 ("l o"
   * first), lo+w = 7, then ew = ne = w·est = 6 ("e w" < "n e" < "w est"), ew+est, n+ewest, then the
   * count-3 pairs of widest in sort order, then e+r and low+er (count 2). Nothing occurs twice after that.
   */
  @Test
  void mergesMatchTheHandWorkedExample() {
    List<String[]> m = BpeTrainer.merges(BpeTrainer.wordCounts(corpus()), 100);
    List<String> got = m.stream().map(p -> p[0] + " " + p[1]).toList();
    assertEquals(List.of("e s", "es t", "l o", "lo w", "e w", "ew est", "n ewest", "d est", "i dest", "w idest", "e r", "low er"), got);
    assertEquals(2, BpeTrainer.merges(BpeTrainer.wordCounts(corpus()), 2).size(), "stops at the requested number of merges");
  }

  @Test
  void theHuggingFaceLibraryAppliesTheTrainedMerges() {
    BpeTrainer.Vocabulary v = BpeTrainer.train(corpus(), 3 + 256 + 12);
    BpeTokenizer tok = v.tokenizer();
    assertEquals(271, tok.vocabSize());
    // l o w e s t: e s → es t → est; l o → lo w → low; no "low est" merge
    int low = 3 + 256 + 3;
    int est = 3 + 256 + 1;
    assertArrayEquals(new int[] {low, est}, tok.encode("lowest"));
    assertArrayEquals(new int[] {3 + 256 + 11}, tok.encode("lower"));
    assertArrayEquals(new int[] {3 + 'x', 3 + 'y'}, tok.encode("xy"), "unmerged bytes are ids 3 + byte");
    assertEquals("lowest", tok.decode(tok.encode("lowest")));
    assertEquals(2, tok.eos());
    assertEquals(1, tok.bos());
    assertEquals(0, tok.pad());
  }

  @Test
  void roundTripsAnyTextAndNeverTruncates() {
    BpeTokenizer tok = BpeTrainer.train(List.of("The food was great.", "The service was slow."), 300).tokenizer();
    for (String s : List.of("The food was great.", "naïve café — 東京 😀", "  two  spaces\tand tab", "")) {
      assertEquals(s, tok.decode(tok.encode(s)), s);
    }
    String longText = "word ".repeat(3000).trim();
    int[] ids = tok.encode(longText);
    assertTrue(ids.length >= 3000, "no 512-token truncation: " + ids.length);
    assertEquals(longText, tok.decode(ids));
  }

  @Test
  void aResponseIsEncodedWithTheSpaceThatJoinsItToItsPrompt() {
    BpeTokenizer tok = BpeTrainer.train(List.of("The pasta was delicious.", "It was good."), 400).tokenizer();
    int[] sentence = tok.encode("The pasta was delicious.");
    int[] prompt = tok.encode("The pasta");
    int[] response = tok.encodeResponse("was delicious.");
    int[] joined = new int[prompt.length + response.length];
    System.arraycopy(prompt, 0, joined, 0, prompt.length);
    System.arraycopy(response, 0, joined, prompt.length, response.length);
    assertArrayEquals(sentence, joined, "prompt + response tokens = the sentence's tokens (not 'pastawas')");
    assertEquals("was delicious.", tok.decodeResponse(response));
  }

  @Test
  void sameTextsGiveTheSameVocabulary() {
    List<String> t = List.of("a rose is a rose is a rose", "is it?");
    assertArrayEquals(BpeTrainer.train(t, 280).tokenizerJson(), BpeTrainer.train(t, 280).tokenizerJson());
  }

  @Test
  void refusesWhatIsNotABpeTokenizer() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromJson("{".getBytes(StandardCharsets.UTF_8)))
        .getMessage().contains("not valid JSON"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}}".getBytes(StandardCharsets.UTF_8)))
        .getMessage().contains("not BPE"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]},\"added_tokens\":[]}"
            .getBytes(StandardCharsets.UTF_8))).getMessage().contains("<|endoftext|>"));
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of("x"), 100));
  }
}
