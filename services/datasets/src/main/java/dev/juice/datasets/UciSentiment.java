package dev.juice.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of the UCI "Sentiment Labelled Sentences" files bundled in this module (see SOURCES.md next
 * to them): JSON arrays of {@code {"text","class"}}, class 1 = positive, whose last element is an
 * empty placeholder that is dropped.
 */
public final class UciSentiment {
  /** The three bundled sources, in a fixed order. */
  public static final List<String> SOURCES = List.of("imdb", "amazon", "yelp");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private UciSentiment() {}

  /** All 3,000 bundled sentences (with the data set's own duplicates), in file order. */
  public static List<Sentence> bundled() {
    List<Sentence> all = new ArrayList<>();
    for (String source : SOURCES) {
      String res = "/dev/juice/datasets/uci-sentiment/" + source + ".json";
      try (InputStream in = UciSentiment.class.getResourceAsStream(res)) {
        if (in == null) throw new IllegalStateException("bundled data set missing from the classpath: " + res);
        all.addAll(parse(source, MAPPER.readTree(in)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /**
   * The bundled sentences with duplicates removed, first occurrence kept. Two sentences are the same
   * when they match ignoring case and runs of white space (2,979 remain, as BENCHMARK.md counts).
   */
  public static List<Sentence> bundledUnique() {
    Map<String, Sentence> unique = new LinkedHashMap<>();
    for (Sentence s : bundled()) unique.putIfAbsent(dedupeKey(s.text()), s);
    return List.copyOf(unique.values());
  }

  static String dedupeKey(String text) {
    return text.trim().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
  }

  /** Reads a file in the same format; the source is the file name without extension. */
  public static List<Sentence> read(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
    return parse(name, MAPPER.readTree(Files.readAllBytes(file)));
  }

  /** True when the bytes look like this format (a JSON array), not JSON lines. */
  public static boolean looksLikeUci(byte[] head) {
    for (byte b : head) {
      if (!Character.isWhitespace(b)) return b == '[';
    }
    return false;
  }

  /**
   * A few IMDb sentences carry Windows-1252 punctuation decoded as C1 control characters (U+0085
   * ellipsis, U+0096 en dash, U+0097 em dash). They are mapped back to the characters meant, so the
   * sentences pass ingest's no-control-characters rule instead of being rejected.
   */
  static String repairCp1252(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 && c <= 0x9F) {
        if (b == null) b = new StringBuilder(text.substring(0, i));
        String fixed = new String(new byte[] {(byte) c}, java.nio.charset.Charset.forName("windows-1252"));
        b.append(fixed.charAt(0) == '\uFFFD' ? " " : fixed);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? text : b.toString();
  }

  static List<Sentence> parse(String source, JsonNode root) {
    if (!root.isArray()) throw new IllegalArgumentException(source + ": expected a JSON array of {text, class}");
    List<Sentence> out = new ArrayList<>();
    for (JsonNode n : root) {
      JsonNode cls = n.get("class");
      String text = repairCp1252(n.path("text").asText("")).trim();
      if (cls == null || cls.isNull() || text.isEmpty()) continue; // the trailing placeholder
      out.add(new Sentence(source, text, cls.asInt() == 1));
    }
    return out;
  }
}
