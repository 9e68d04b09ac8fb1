package dev.juice.datasets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Splits a sentence into prompt = its first 2–4 words and response = the rest (BENCHMARK.md). The
 * number of words is a pure function of the text and a seed, so every service and every replay
 * splits a sentence the same way.
 */
public final class PromptSplit {
  /** A prompt and its response. */
  public record Pair(String prompt, String response) {}

  private PromptSplit() {}

  /** Empty when the sentence has fewer than 3 words (no room for a 2-word prompt plus a response). */
  public static Optional<Pair> split(String text, long seed) {
    String[] words = text.trim().split("\\s+");
    if (words.length < 3) return Optional.empty();
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    int wanted = 2 + (int) Math.floorMod(crc.getValue() ^ seed, 3L);
    int k = Math.min(wanted, words.length - 1);
    return Optional.of(new Pair(
        String.join(" ", Arrays.copyOfRange(words, 0, k)),
        String.join(" ", Arrays.copyOfRange(words, k, words.length))));
  }
}
