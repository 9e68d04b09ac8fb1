package dev.juice.model.text;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte ⇄ printable-character map: bytes that are printable Latin-1 map to
 * themselves, the other 68 to U+0100 onwards in byte order (so a space is 'Ġ' U+0120). Byte-level BPE
 * vocabularies — GPT-2's and Juice's — are written in these characters.
 */
public final class ByteLevel {
  private static final char[] TO_CHAR = new char[256];

  static {
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      TO_CHAR[b] = printable ? (char) b : (char) (256 + next++);
    }
  }

  private ByteLevel() {}

  public static char toChar(int b) {
    return TO_CHAR[b & 0xff];
  }

  /**
   * The skeleton of a byte-level BPE {@code tokenizer.json} — GPT-2's pre-tokenizer pattern and
   * decoder, no normalizer, no post-processor — with the given special tokens (id → content); the
   * caller fills {@code model.vocab} and {@code model.merges}, which are returned empty.
   */
  static com.fasterxml.jackson.databind.node.ObjectNode tokenizerJson(com.fasterxml.jackson.databind.ObjectMapper m,
      java.util.Map<Integer, String> specials) {
    var root = m.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    var added = root.putArray("added_tokens");
    specials.forEach((id, content) -> added.addObject().put("id", id).put("content", content).put("single_word", false)
        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true));
    root.putNull("normalizer");
    root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
        .put("use_regex", true);
    root.putNull("post_processor");
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
        .put("use_regex", true);
    var model = root.putObject("model");
    model.put("type", "BPE").putNull("dropout").putNull("unk_token").put("continuing_subword_prefix", "")
        .put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
    model.putObject("vocab");
    model.putArray("merges");
    return root;
  }

  /** UTF-8 bytes of a string, each written as its byte-level character. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder(bytes.length);
    for (byte b : bytes) s.append(TO_CHAR[b & 0xff]);
    return s.toString();
  }
}
