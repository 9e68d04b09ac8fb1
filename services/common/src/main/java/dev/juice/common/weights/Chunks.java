package dev.juice.common.weights;

import dev.juice.avro.ModelManifest;
import dev.juice.common.Hashing;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The chunks of one weight version as they arrive. They are hashed in index order while they come
 * in, overlapping the SHA-256 with the transfer, so the switch only finishes the digest and copies.
 * A chunk index seen twice keeps its first bytes (the hash already covers them); a version whose
 * chunks are missing, whose sizes do not add up to the manifest's or whose SHA-256 differs is refused
 * before its blob is allocated.
 */
final class Chunks {
  private final Map<Integer, byte[]> parts = new HashMap<>();
  private final MessageDigest digest = Hashing.sha256();
  private int hashed; // chunks 0 .. hashed-1 are in the digest
  private long bytes;
  private boolean finished;

  void put(int index, byte[] data) {
    if (index < 0 || finished || parts.containsKey(index)) return;
    parts.put(index, data);
    bytes += data.length;
    byte[] next;
    while ((next = parts.get(hashed)) != null) {
      digest.update(next);
      hashed++;
    }
  }

  int size() {
    return parts.size();
  }

  /** The whole blob when every chunk is there, the sizes add up and the SHA-256 matches; null otherwise. Call once. */
  byte[] assemble(ModelManifest m) {
    if (finished) return null;
    finished = true;
    int count = m.getChunkCount();
    if (count < 1 || parts.size() != count || hashed != count || bytes != m.getByteSize() || bytes > ClaimCheck.MAX_BYTES) return null;
    if (!HexFormat.of().formatHex(digest.digest()).equals(m.getSha256())) return null;
    byte[] blob = new byte[(int) bytes];
    int off = 0;
    for (int i = 0; i < count; i++) {
      byte[] c = parts.get(i);
      System.arraycopy(c, 0, blob, off, c.length);
      off += c.length;
    }
    return blob;
  }
}
