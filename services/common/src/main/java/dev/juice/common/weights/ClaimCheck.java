package dev.juice.common.weights;

import dev.juice.avro.ModelManifest;
import dev.juice.common.Hashing;
import dev.juice.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The claim check of the weights topic: a blob larger than {@code thresholdBytes} is written to a
 * directory every service mounts (a shared volume), and only its manifest — URI, byte size, sha256
 * — goes to Kafka, with {@code chunkCount} 0. Files are content-addressed
 * ({@code <dir>/<run>/<model>/<sha256>.juicew}), written to a temporary name, forced to disk and moved
 * into place before the manifest's transaction starts, so a reader never sees a partial file and a
 * retried publish rewrites nothing. A reader only follows {@code file:} URIs inside its own directory,
 * checks the file's size against the manifest before allocating anything, refuses sizes above
 * {@code maxBytes}, and hashes what it read: a version whose file is missing, short, too big or
 * altered is refused like a version with a missing chunk.
 *
 * <p>Configured from {@value #DIR_ENV} (the shared directory; unset = chunks only, and claim-checked
 * manifests are refused with a message saying what to set) and {@value #THRESHOLD_ENV} (bytes; blobs
 * above it use the claim check, default {@value #DEFAULT_THRESHOLD}).
 *
 * @param dir the shared directory; null disables the claim check
 * @param thresholdBytes blobs strictly larger than this are written to {@code dir}
 * @param maxBytes the largest blob a reader accepts
 */
public record ClaimCheck(Path dir, long thresholdBytes, long maxBytes) {
  public static final String DIR_ENV = "JUICE_BLOB_DIR";
  public static final String THRESHOLD_ENV = "JUICE_CLAIM_CHECK_BYTES";
  public static final long DEFAULT_THRESHOLD = 64L * 1024 * 1024;
  /** Java arrays end at 2³¹ − 1; a blob the model decoder can hold. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;
  /** Chunks only: nothing is written to or read from a shared directory. */
  public static final ClaimCheck NONE = new ClaimCheck(null, Long.MAX_VALUE, MAX_BYTES);

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  public ClaimCheck {
    if (thresholdBytes < 0) throw new IllegalArgumentException("claim-check threshold must be >= 0, got " + thresholdBytes);
    if (maxBytes <= 0 || maxBytes > MAX_BYTES) throw new IllegalArgumentException("maxBytes must be in (0, " + MAX_BYTES + "]");
    if (dir != null) dir = dir.toAbsolutePath().normalize();
  }

  /** A claim check in {@code dir} for blobs above {@code thresholdBytes}. */
  public static ClaimCheck in(Path dir, long thresholdBytes) {
    return new ClaimCheck(Objects.requireNonNull(dir, "dir"), thresholdBytes, MAX_BYTES);
  }

  /** From {@value #DIR_ENV} and {@value #THRESHOLD_ENV} of this process's environment. */
  public static ClaimCheck fromEnvironment() {
    return fromEnv(System.getenv());
  }

  public static ClaimCheck fromEnv(Map<String, String> env) {
    String d = env.get(DIR_ENV);
    if (d == null || d.isBlank()) return NONE;
    long threshold = DEFAULT_THRESHOLD;
    String t = env.get(THRESHOLD_ENV);
    if (t != null && !t.isBlank()) {
      try {
        threshold = Long.parseLong(t.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(THRESHOLD_ENV + " must be a number of bytes, got '" + t + "'");
      }
      if (threshold < 0) throw new ConfigException(THRESHOLD_ENV + " must be >= 0, got " + threshold);
    }
    return in(Path.of(d), threshold);
  }

  public boolean enabled() {
    return dir != null;
  }

  /** Whether a blob of this size goes to the shared directory instead of the log. */
  public boolean applies(long size) {
    return dir != null && size > thresholdBytes;
  }

  /**
   * Stores a blob (idempotent: the same content lands at the same path) and returns its {@code file:}
   * URI. The file is complete and on disk when this returns.
   */
  public URI put(String runId, String model, String sha256, byte[] blob) {
    if (dir == null) throw new IllegalStateException("claim check disabled: set " + DIR_ENV);
    for (String part : new String[] {runId, model}) {
      if (!SAFE.matcher(part).matches()) throw new IllegalArgumentException("run/model name not usable as a file name: " + part);
    }
    Path target = dir.resolve(runId).resolve(model).resolve(sha256 + ".juicew");
    try {
      Files.createDirectories(target.getParent());
      if (Files.isRegularFile(target) && Files.size(target) == blob.length) return target.toUri();
      Path tmp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
          out.write(blob);
          out.flush();
          ch.force(true);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return target.toUri();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write weights blob to " + target, e);
    }
  }

  /** Why a claim-checked version could not be fetched. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Reads and verifies the blob a claim-checked manifest points to.
   *
   * @throws Refused naming the version and the reason (outside the directory, missing, wrong size, too
   *     large, sha256 mismatch, claim check not configured here)
   */
  public byte[] fetch(ModelManifest m) throws Refused {
    String what = m.getModel() + " v" + m.getVersion();
    if (dir == null) {
      throw new Refused(what + " is stored by claim check at " + m.getUri() + ", but " + DIR_ENV
          + " is not set here: mount the shared weights directory and set it");
    }
    URI uri;
    try {
      uri = URI.create(m.getUri());
    } catch (IllegalArgumentException e) {
      throw new Refused(what + ": not a URI: " + m.getUri());
    }
    if (!"file".equals(uri.getScheme())) throw new Refused(what + ": unsupported claim-check scheme in " + uri + " (file: only)");
    Path file = Path.of(uri).toAbsolutePath().normalize();
    if (!file.startsWith(dir)) throw new Refused(what + ": " + uri + " is outside " + DIR_ENV + " (" + dir + ")");
    if (m.getByteSize() < 0 || m.getByteSize() > maxBytes) {
      throw new Refused(what + ": byteSize " + m.getByteSize() + " outside [0, " + maxBytes + "]");
    }
    try {
      long size = Files.size(file);
      if (size != m.getByteSize()) throw new Refused(what + ": " + file + " holds " + size + " bytes, the manifest says " + m.getByteSize());
      byte[] blob = new byte[(int) size];
      MessageDigest md = Hashing.sha256();
      try (InputStream in = Files.newInputStream(file)) {
        int off = 0;
        while (off < blob.length) {
          int n = in.read(blob, off, Math.min(blob.length - off, 1 << 20));
          if (n < 0) throw new Refused(what + ": " + file + " ended after " + off + " bytes");
          md.update(blob, off, n);
          off += n;
        }
      }
      if (!java.util.HexFormat.of().formatHex(md.digest()).equals(m.getSha256())) {
        throw new Refused(what + ": sha256 of " + file + " does not match the manifest");
      }
      return blob;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new Refused(what + ": " + file + " does not exist (is the shared volume mounted?)");
    } catch (IOException e) {
      throw new Refused(what + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
