package dev.juice.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * General English prose the base model is pre-trained on: Melville's <i>Moby-Dick</i> and the US
 * State of the Union addresses 1790–2018 (public domain; provenance, versions and checksums in
 * {@code english/SOURCES.md}), ≈ 12 M characters — about 400 × the benchmark's held-out split and
 * disjoint from it (none of it is a product review). Paragraphs are split into sentences with the
 * JDK's English {@link BreakIterator}.
 */
public final class EnglishCorpus {
  /** The bundled texts, in a fixed order. */
  public static final List<String> SOURCES = List.of("moby-dick.txt.gz", "sotu.txt.gz");

  private EnglishCorpus() {}

  /** Every sentence of the bundled texts, in order. */
  public static List<String> sentences() {
    List<String> out = new ArrayList<>();
    for (String source : SOURCES) out.addAll(sentences(source));
    return out;
  }

  public static List<String> sentences(String source) {
    List<String> out = new ArrayList<>();
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    try (InputStream raw = EnglishCorpus.class.getResourceAsStream("english/" + source)) {
      if (raw == null) throw new IllegalStateException("english/" + source + " is missing from the class path");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
        for (String para; (para = r.readLine()) != null; ) {
          it.setText(para);
          for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = para.substring(start, end).trim();
            if (!s.isEmpty()) out.add(s);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
