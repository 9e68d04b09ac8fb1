package dev.juice.model.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary (GPT-2's scheme) and writes it as a Hugging Face {@code
 * tokenizer.json} that {@link BpeTokenizer} runs. No maintained Java library trains BPE (DJL's and
 * jtokkit's tokenizers only encode), so this is the one piece of tokenization Juice does itself.
 *
 * <p>Texts are split into words by GPT-2's pre-tokenizer pattern (the one the Hugging Face
 * {@code ByteLevel} pre-tokenizer applies, so the words seen here are the words it will see), each
 * word's UTF-8 bytes become symbols, and the most frequent adjacent pair is merged until the vocabulary
 * is full or no pair occurs twice. Ties go to the pair whose left, then right, symbol sorts first, so
 * the same texts always give the same merges. Ids: {@code <|pad|>} 0, {@code <|bos|>} 1, {@code
 * <|endoftext|>} 2, the 256 bytes 3–258, then the merges in order.
 */
public final class BpeTrainer {
  /** GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, each with one optional leading space. */
  static final Pattern WORDS = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  static final List<String> SPECIALS = List.of(BpeTokenizer.PAD_TOKEN, BpeTokenizer.BOS_TOKEN, BpeTokenizer.EOS_TOKEN);

  private BpeTrainer() {}

  /** A trained vocabulary: the merges in order (each "left right" in byte-level symbols). */
  public record Vocabulary(List<String[]> merges) {
    public int size() {
      return SPECIALS.size() + 256 + merges.size();
    }

    /** The vocabulary as a Hugging Face {@code tokenizer.json}. */
    public byte[] tokenizerJson() {
      ObjectMapper m = new ObjectMapper();
      java.util.Map<Integer, String> specials = new java.util.TreeMap<>();
      for (int i = 0; i < SPECIALS.size(); i++) specials.put(i, SPECIALS.get(i));
      ObjectNode root = ByteLevel.tokenizerJson(m, specials);
      ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
      int id = 0;
      for (String s : SPECIALS) vocab.put(s, id++);
      for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.toChar(b)), id++);
      ArrayNode merges = (ArrayNode) root.path("model").path("merges");
      for (String[] mg : this.merges) {
        vocab.put(mg[0] + mg[1], id++);
        merges.add(mg[0] + " " + mg[1]);
      }
      try {
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    public BpeTokenizer tokenizer() {
      return BpeTokenizer.fromJson(tokenizerJson());
    }
  }

  /** Words of the texts in byte-level symbols, with their counts (sorted, for determinism). */
  public static Map<String, Long> wordCounts(Iterable<String> texts) {
    Map<String, Long> counts = new TreeMap<>();
    for (String t : texts) {
      Matcher mt = WORDS.matcher(t);
      while (mt.find()) counts.merge(ByteLevel.encode(mt.group()), 1L, Long::sum);
    }
    return counts;
  }

  /** Trains on texts until the vocabulary (specials + 256 bytes + merges) has {@code vocabSize} entries. */
  public static Vocabulary train(Iterable<String> texts, int vocabSize) {
    int base = SPECIALS.size() + 256;
    if (vocabSize < base) throw new IllegalArgumentException("vocabulary size must be at least " + base + ", got " + vocabSize);
    return new Vocabulary(merges(wordCounts(texts), vocabSize - base));
  }

  /**
   * Up to {@code maxMerges} merges over words given as byte-level symbol strings with counts. Only
   * the words containing the merged pair are revisited; a priority queue with lazy deletion finds the
   * most frequent pair.
   */
  public static List<String[]> merges(Map<String, Long> wordCounts, int maxMerges) {
    List<String> symbols = new ArrayList<>();
    Map<String, Integer> symbolIds = new HashMap<>();
    List<int[]> words = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
      String w = e.getKey();
      int[] s = new int[w.length()];
      for (int i = 0; i < w.length(); i++) {
        s[i] = symbolIds.computeIfAbsent(String.valueOf(w.charAt(i)), x -> {
          symbols.add(x);
          return symbols.size() - 1;
        });
      }
      words.add(s);
      counts.add(e.getValue());
    }
    Map<Long, Long> pairCount = new HashMap<>();
    Map<Long, Set<Integer>> where = new HashMap<>();
    for (int w = 0; w < words.size(); w++) addPairs(words.get(w), counts.get(w), w, pairCount, where);
    Comparator<long[]> order = (a, b) -> {
      if (a[1] != b[1]) return Long.compare(b[1], a[1]);
      int c = symbols.get(left(a[0])).compareTo(symbols.get(left(b[0])));
      return c != 0 ? c : symbols.get(right(a[0])).compareTo(symbols.get(right(b[0])));
    };
    PriorityQueue<long[]> queue = new PriorityQueue<>(order);
    pairCount.forEach((p, c) -> queue.add(new long[] {p, c}));
    List<String[]> merges = new ArrayList<>();
    while (merges.size() < maxMerges && !queue.isEmpty()) {
      long[] top = queue.poll();
      long current = pairCount.getOrDefault(top[0], 0L);
      if (current != top[1]) continue; // stale entry
      if (current < 2) break;
      int a = left(top[0]);
      int b = right(top[0]);
      String merged = symbols.get(a) + symbols.get(b);
      merges.add(new String[] {symbols.get(a), symbols.get(b)});
      int id = symbolIds.computeIfAbsent(merged, x -> {
        symbols.add(x);
        return symbols.size() - 1;
      });
      Map<Long, Long> changed = new LinkedHashMap<>();
      for (int w : new ArrayList<>(where.getOrDefault(top[0], Set.of()))) {
        int[] s = words.get(w);
        if (!contains(s, a, b)) continue;
        long n = counts.get(w);
        removePairs(s, n, pairCount, changed);
        int[] t = replace(s, a, b, id);
        words.set(w, t);
        addPairs(t, n, w, pairCount, where);
        for (int i = 0; i + 1 < t.length; i++) changed.put(pair(t[i], t[i + 1]), 0L);
      }
      where.remove(top[0]);
      pairCount.remove(top[0]);
      for (Long p : changed.keySet()) {
        Long c = pairCount.get(p);
        if (c != null && c > 0) queue.add(new long[] {p, c});
      }
    }
    return merges;
  }

  private static void addPairs(int[] s, long n, int word, Map<Long, Long> count, Map<Long, Set<Integer>> where) {
    for (int i = 0; i + 1 < s.length; i++) {
      long p = pair(s[i], s[i + 1]);
      count.merge(p, n, Long::sum);
      where.computeIfAbsent(p, x -> new HashSet<>()).add(word);
    }
  }

  private static void removePairs(int[] s, long n, Map<Long, Long> count, Map<Long, Long> changed) {
    for (int i = 0; i + 1 < s.length; i++) {
      long p = pair(s[i], s[i + 1]);
      long c = count.getOrDefault(p, 0L) - n;
      if (c <= 0) count.remove(p);
      else count.put(p, c);
      changed.put(p, 0L);
    }
  }

  private static boolean contains(int[] s, int a, int b) {
    for (int i = 0; i + 1 < s.length; i++) if (s[i] == a && s[i + 1] == b) return true;
    return false;
  }

  /** Left-to-right, non-overlapping replacement of (a, b) by id. */
  private static int[] replace(int[] s, int a, int b, int id) {
    int[] out = new int[s.length];
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
        out[n++] = id;
        i++;
      } else {
        out[n++] = s[i];
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  private static int left(long p) {
    return (int) (p >>> 32);
  }

  private static int right(long p) {
    return (int) p;
  }
}
