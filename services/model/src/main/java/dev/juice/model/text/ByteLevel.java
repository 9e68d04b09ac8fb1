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

  /** UTF-8 bytes of a string, each written as its byte-level character. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder(bytes.length);
    for (byte b : bytes) s.append(TO_CHAR[b & 0xff]);
    return s.toString();
  }
}
