package dev.juice.evaluator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * English words from SCOWL's American English list as packaged by Debian ({@code wamerican}
 * 2020.12.07, 104,334 entries; licence in {@code words/COPYRIGHT}). Measures the share of generated
 * words that are real words, which guards against reward hacking such as "great!!!!".
 */
public final class WordList {
  private final Set<String> words = new HashSet<>();

  public static WordList bundled() {
    try (InputStream in = WordList.class.getResourceAsStream("words/american-english.gz")) {
      if (in == null) throw new IllegalStateException("word list missing from the class path");
      WordList w = new WordList();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank()) w.words.add(line.trim().toLowerCase(Locale.ROOT));
        }
      }
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int size() {
    return words.size();
  }

  public boolean contains(String word) {
    return words.contains(word.toLowerCase(Locale.ROOT));
  }

  /** Words of a text: runs of letters and apostrophes, lower-cased, with leading/trailing apostrophes trimmed. */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}']+")) {
      String w = t.replaceAll("^'+|'+$", "");
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }
}
