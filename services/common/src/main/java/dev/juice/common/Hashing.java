package dev.juice.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers used for content hashes (dedupe) and weight checksums. */
public final class Hashing {
  private Hashing() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  /**
   * SHA-256 of several strings, each UTF-8 encoded and prefixed by its 4-byte length, so that
   * ("ab","c") and ("a","bc") hash differently.
   */
  public static String sha256OfParts(String... parts) {
    MessageDigest md = sha256();
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      md.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
      md.update(bytes);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
