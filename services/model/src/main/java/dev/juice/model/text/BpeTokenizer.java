package dev.juice.model.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * A byte-level BPE tokenizer in Hugging Face's {@code tokenizer.json} format, run by the Hugging Face
 * tokenizers library through DJL ({@link HuggingFaceTokenizer}): every encode and decode in Juice goes
 * through it, whether the vocabulary was trained by {@link BpeTrainer} or came with a GPT-2 checkpoint.
 *
 * <p>Special tokens are found by name: {@code <|endoftext|>} (required) closes a response; {@code
 * <|bos|>} and {@code <|pad|>} are used when the vocabulary has them, otherwise {@code <|endoftext|>}
 * stands in for both, as in GPT-2. Options are passed explicitly — no special tokens added, no
 * truncation, no padding — because the library's defaults (512 tokens, pad to longest) would cut and
 * pad silently. The JSON is kept byte for byte, so a model always travels with its own vocabulary.
 */
public final class BpeTokenizer {
  public static final String EOS_TOKEN = "<|endoftext|>";
  public static final String BOS_TOKEN = "<|bos|>";
  public static final String PAD_TOKEN = "<|pad|>";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> OPTIONS = Map.of(
      "addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000");

  private final byte[] json;
  private final HuggingFaceTokenizer hf;
  private final int vocabSize;
  private final int bos;
  private final int eos;
  private final int pad;
  private final String sha256;

  private BpeTokenizer(byte[] json, String source) {
    this.json = json.clone();
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(source + ": model type '" + model.path("type").asText() + "' is not BPE");
    }
    int max = -1;
    Integer e = null;
    Integer b = null;
    Integer p = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> t = it.next();
      max = Math.max(max, t.getValue().asInt());
    }
    for (JsonNode t : root.path("added_tokens")) {
      int id = t.path("id").asInt();
      max = Math.max(max, id);
      switch (t.path("content").asText()) {
        case EOS_TOKEN -> e = id;
        case BOS_TOKEN -> b = id;
        case PAD_TOKEN -> p = id;
        default -> { }
      }
    }
    if (max < 0) throw new IllegalArgumentException(source + " has an empty vocabulary");
    if (e == null) throw new IllegalArgumentException(source + " has no " + EOS_TOKEN + " token among its added_tokens");
    this.vocabSize = max + 1;
    this.eos = e;
    this.bos = b == null ? e : b;
    this.pad = p == null ? e : p;
    try {
      this.hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), OPTIONS);
    } catch (IOException | RuntimeException x) {
      throw new IllegalArgumentException(source + " is not a tokenizer the Hugging Face library accepts: " + x.getMessage(), x);
    }
    this.sha256 = hex(json);
  }

  /** A tokenizer from the bytes of a {@code tokenizer.json}. */
  public static BpeTokenizer fromJson(byte[] json) {
    return new BpeTokenizer(json, "tokenizer.json");
  }

  /** A tokenizer from a {@code tokenizer.json} file; errors name the file. */
  public static BpeTokenizer read(Path file) {
    try {
      return new BpeTokenizer(Files.readAllBytes(file), file.toString());
    } catch (IOException x) {
      throw new UncheckedIOException("cannot read " + file, x);
    }
  }

  public void write(Path file) throws IOException {
    Files.write(file, json);
  }

  /** The {@code tokenizer.json} bytes. */
  public byte[] toJson() {
    return json.clone();
  }

  /** Highest token id + 1 (the rows a model's embedding needs). */
  public int vocabSize() {
    return vocabSize;
  }

  public int bos() {
    return bos;
  }

  public int eos() {
    return eos;
  }

  public int pad() {
    return pad;
  }

  /** Whether a model may emit this token (PAD and BOS mark structure, unless they are the EOS itself). */
  public boolean generable(int token) {
    return token == eos || (token != pad && token != bos);
  }

  /** Token ids of a text, without special tokens. */
  public int[] encode(String text) {
    long[] ids = hf.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  /**
   * Tokens of a response that follows its prompt. A prompt and its response are whole words joined by
   * one space ({@code "The pasta" + "was delicious."} is the sentence "The pasta was delicious."), so
   * the response is encoded with that space in front — " was" is the token a model sees after "pasta"
   * in running text — unless it already starts with white space.
   */
  public int[] encodeResponse(String response) {
    return encode(response.isEmpty() || Character.isWhitespace(response.charAt(0)) ? response : " " + response);
  }

  /** Text of generated response tokens with the joining space of {@link #encodeResponse} removed. */
  public String decodeResponse(int[] tokens) {
    String s = decode(tokens);
    return s.startsWith(" ") ? s.substring(1) : s;
  }

  /** Text of token ids, stopping at EOS and skipping PAD/BOS and other special tokens. */
  public String decode(int[] tokens) {
    int n = 0;
    while (n < tokens.length && tokens[n] != eos) n++;
    long[] ids = new long[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (tokens[i] != pad && tokens[i] != bos && tokens[i] >= 0 && tokens[i] < vocabSize) ids[k++] = tokens[i];
    }
    return hf.decode(Arrays.copyOf(ids, k), true);
  }

  /** SHA-256 of the JSON (names the vocabulary in manifests and caches). */
  public String sha256() {
    return sha256;
  }

  private static String hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException x) {
      throw new IllegalStateException(x);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BpeTokenizer t && sha256.equals(t.sha256);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return "BpeTokenizer[vocab=" + vocabSize + ", sha256=" + sha256.substring(0, 12) + "]";
  }
}
