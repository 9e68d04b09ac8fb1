package dev.juice.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character-level tokenizer: ids 0–3 are PAD, BOS, EOS, UNK; then every code point of the training
 * text in ascending order. Saved with the model, so a model always decodes with its own vocabulary.
 */
public final class CharTokenizer {
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int UNK = 3;
  private static final int SPECIALS = 4;

  private final int[] codePoints;
  private final Map<Integer, Integer> ids = new HashMap<>();

  private CharTokenizer(int[] codePoints) {
    this.codePoints = codePoints;
    for (int i = 0; i < codePoints.length; i++) ids.put(codePoints[i], SPECIALS + i);
  }

  /** Vocabulary of every code point in the texts. */
  public static CharTokenizer fit(Iterable<String> texts) {
    TreeSet<Integer> cps = new TreeSet<>();
    for (String t : texts) t.codePoints().forEach(cps::add);
    return new CharTokenizer(cps.stream().mapToInt(Integer::intValue).toArray());
  }

  public int vocabSize() {
    return SPECIALS + codePoints.length;
  }

  /** Token ids of a text (no BOS/EOS); unknown characters become UNK. */
  public int[] encode(String text) {
    return text.codePoints().map(cp -> ids.getOrDefault(cp, UNK)).toArray();
  }

  /** Text of token ids, stopping at EOS and skipping PAD/BOS; UNK becomes U+FFFD. */
  public String decode(int[] tokens) {
    StringBuilder b = new StringBuilder();
    for (int t : tokens) {
      if (t == EOS) break;
      if (t == PAD || t == BOS) continue;
      if (t == UNK || t >= vocabSize()) b.append('\uFFFD');
      else b.appendCodePoint(codePoints[t - SPECIALS]);
    }
    return b.toString();
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeInt(codePoints.length);
    for (int cp : codePoints) out.writeInt(cp);
  }

  public static CharTokenizer read(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1_114_112) throw new IOException("corrupt tokenizer: " + n + " code points");
    int[] cps = new int[n];
    for (int i = 0; i < n; i++) cps[i] = in.readInt();
    return new CharTokenizer(cps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CharTokenizer t && Arrays.equals(codePoints, t.codePoints);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codePoints);
  }
}
