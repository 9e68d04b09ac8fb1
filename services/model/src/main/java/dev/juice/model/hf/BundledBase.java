package dev.juice.model.hf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The pre-trained English base model that ships with Juice (a Hugging Face GPT-2 checkpoint on the
 * class path, made by {@code juice pretrain}; its command, seed and hashes are in {@code
 * base/BASE.md}). {@link #directory()} copies it once into a cache directory so it loads like any
 * other checkpoint.
 */
public final class BundledBase {
  static final String ROOT = "/dev/juice/model/base/";
  static final List<String> FILES = List.of(HfCheckpoint.CONFIG, HfCheckpoint.TOKENIZER, HfCheckpoint.WEIGHTS);

  private BundledBase() {}

  public static boolean available() {
    return BundledBase.class.getResource(ROOT + HfCheckpoint.WEIGHTS) != null;
  }

  /** The checkpoint directory (under {@code JUICE_CACHE_DIR}, default {@code ~/.cache/juice}). */
  public static Path directory() throws IOException {
    if (!available()) throw new IllegalStateException("no bundled base model on the class path; make one with `juice pretrain` and pass --model DIR");
    String cache = System.getenv().getOrDefault("JUICE_CACHE_DIR", System.getProperty("user.home") + "/.cache/juice");
    String sha = sha256(ROOT + HfCheckpoint.WEIGHTS);
    Path dir = Path.of(cache, "base-" + sha.substring(0, 16));
    if (Files.exists(dir.resolve(HfCheckpoint.WEIGHTS)) && sha256(dir.resolve(HfCheckpoint.WEIGHTS)).equals(sha)) return dir;
    Files.createDirectories(dir);
    for (String f : FILES) {
      Path tmp = Files.createTempFile(dir, f, ".part");
      try (InputStream in = BundledBase.class.getResourceAsStream(ROOT + f)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return dir;
  }

  /** SHA-256 (hex) of the bundled weights. */
  public static String weightsSha256() throws IOException {
    return sha256(ROOT + HfCheckpoint.WEIGHTS);
  }

  private static String sha256(String resource) throws IOException {
    try (InputStream in = BundledBase.class.getResourceAsStream(resource)) {
      return digest(in);
    }
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return digest(in);
    }
  }

  private static String digest(InputStream in) throws IOException {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
