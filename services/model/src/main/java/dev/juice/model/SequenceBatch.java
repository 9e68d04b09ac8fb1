package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.juice.model.text.BpeTokenizer;
import java.util.List;

/**
 * Prompt/response pairs as padded tensors. A sequence is {@code BOS + prompt + response}, where the
 * response ends with EOS when it was finished; inputs are the sequence without its last token,
 * targets without its first, and the mask selects the targets that are response tokens (prompt and
 * padding are masked out of every log-probability).
 */
public final class SequenceBatch {
  private final int[] inputs;
  private final int[] targets;
  private final float[] mask;
  private final int[] lastIndex;
  private final int batch;
  private final int length;

  private SequenceBatch(int[] inputs, int[] targets, float[] mask, int[] lastIndex, int batch, int length) {
    this.inputs = inputs;
    this.targets = targets;
    this.mask = mask;
    this.lastIndex = lastIndex;
    this.batch = batch;
    this.length = length;
  }

  /** From text: each response is encoded after its prompt ({@link BpeTokenizer#encodeResponse}) and closed with EOS. */
  public static SequenceBatch ofText(BpeTokenizer tok, List<String> prompts, List<String> responses, int context) {
    int[][] p = new int[prompts.size()][];
    int[][] r = new int[responses.size()][];
    for (int i = 0; i < p.length; i++) {
      p[i] = tok.encode(prompts.get(i));
      int[] e = tok.encodeResponse(responses.get(i));
      r[i] = java.util.Arrays.copyOf(e, e.length + 1);
      r[i][e.length] = tok.eos();
    }
    return of(tok.bos(), p, r, context);
  }

  /**
   * From token ids ({@code bos} starts every sequence; prompts without BOS; responses as generated, with EOS if emitted). Sequences
   * longer than context + 1 tokens lose their tail (then the response has no EOS).
   */
  public static SequenceBatch of(int bos, int[][] prompts, int[][] responses, int context) {
    if (prompts.length != responses.length || prompts.length == 0) {
      throw new IllegalArgumentException("need the same non-zero number of prompts and responses");
    }
    int b = prompts.length;
    int[][] seqs = new int[b][];
    int[] promptLen = new int[b];
    int t = 1;
    for (int i = 0; i < b; i++) {
      int n = Math.min(1 + prompts[i].length + responses[i].length, context + 1);
      if (prompts[i].length + 1 >= n) throw new IllegalArgumentException("prompt " + i + " leaves no room for a response in the context");
      int[] s = new int[n];
      s[0] = bos;
      for (int j = 1; j < n; j++) {
        int k = j - 1;
        s[j] = k < prompts[i].length ? prompts[i][k] : responses[i][k - prompts[i].length];
      }
      seqs[i] = s;
      promptLen[i] = prompts[i].length;
      t = Math.max(t, n - 1);
    }
    int[] in = new int[b * t];
    int[] tg = new int[b * t];
    float[] mk = new float[b * t];
    int[] last = new int[b];
    for (int i = 0; i < b; i++) {
      int[] s = seqs[i];
      for (int j = 0; j < s.length - 1; j++) {
        in[i * t + j] = s[j];
        tg[i * t + j] = s[j + 1];
        mk[i * t + j] = j >= promptLen[i] ? 1f : 0f; // target j is s[j+1]: a response token when j+1 > promptLen
      }
      last[i] = s.length - 2; // the input position that reads the last token of the sequence
    }
    return new SequenceBatch(in, tg, mk, last, b, t);
  }

  /**
   * Packed language-model windows: row i predicts window[1..] from window[..n-1], every position
   * counted (shorter rows are padded and masked).
   */
  public static SequenceBatch windows(List<int[]> rows) {
    int b = rows.size();
    int t = 1;
    for (int[] r : rows) t = Math.max(t, r.length - 1);
    int[] in = new int[b * t];
    int[] tg = new int[b * t];
    float[] mk = new float[b * t];
    int[] last = new int[b];
    for (int i = 0; i < b; i++) {
      int[] r = rows.get(i);
      for (int j = 0; j + 1 < r.length; j++) {
        in[i * t + j] = r[j];
        tg[i * t + j] = r[j + 1];
        mk[i * t + j] = 1f;
      }
      last[i] = Math.max(0, r.length - 2);
    }
    return new SequenceBatch(in, tg, mk, last, b, t);
  }

  public int size() {
    return batch;
  }

  public int length() {
    return length;
  }

  /** Response tokens counted by the mask (for tokens/s). */
  public long responseTokens() {
    long n = 0;
    for (float m : mask) n += (long) m;
    return n;
  }

  /** (B, T) int32 inputs. */
  public NDArray inputs(NDManager m) {
    return m.create(inputs, new Shape(batch, length));
  }

  /** (B, T) int32 targets. */
  public NDArray targets(NDManager m) {
    return m.create(targets, new Shape(batch, length));
  }

  /** (B, T) float32 response mask. */
  public NDArray mask(NDManager m) {
    return m.create(mask, new Shape(batch, length));
  }

  /**
   * (B) int32: each row's last input position. Its hidden state has seen the prompt and the whole
   * response (all but the closing EOS); the reward model reads its score there.
   */
  public NDArray lastIndex(NDManager m) {
    return m.create(lastIndex);
  }
}
