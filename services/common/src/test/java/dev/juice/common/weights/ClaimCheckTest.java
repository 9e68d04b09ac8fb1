package dev.juice.common.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.ModelKind;
import dev.juice.avro.ModelManifest;
import dev.juice.common.Hashing;
import dev.juice.common.config.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimCheckTest {
  @TempDir Path dir;

  private static byte[] blob(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static ModelManifest manifest(byte[] blob, String uri) {
    return ModelManifest.newBuilder().setRunId("r1").setModel("policy").setKind(ModelKind.POLICY).setVersion(3)
        .setParentVersion(null).setStep(1).setAlgorithm("sft").setByteSize(blob.length).setSha256(Hashing.sha256Hex(blob))
        .setChunkCount(uri == null ? 1 : 0).setUri(uri).setMetrics(Map.of()).setCreatedAt(Instant.EPOCH).build();
  }

  @Test
  void storesContentAddressedAndReadsBackVerified() throws Exception {
    ClaimCheck cc = ClaimCheck.in(dir, 10);
    byte[] b = blob(5000, 1);
    String sha = Hashing.sha256Hex(b);
    URI uri = cc.put("r1", "policy", sha, b);
    assertEquals(dir.resolve("r1/policy/" + sha + ".juicew").toUri(), uri);
    assertArrayEquals(b, cc.fetch(manifest(b, uri.toString())));
    // publishing the same content again rewrites nothing and names the same file
    long modified = Files.getLastModifiedTime(Path.of(uri)).toMillis();
    assertEquals(uri, cc.put("r1", "policy", sha, b));
    assertEquals(modified, Files.getLastModifiedTime(Path.of(uri)).toMillis());
    try (var files = Files.list(dir.resolve("r1/policy"))) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void thresholdDecidesWhatGoesToTheSharedDirectory() {
    ClaimCheck cc = ClaimCheck.in(dir, 1000);
    assertFalse(cc.applies(1000));
    assertTrue(cc.applies(1001));
    assertFalse(ClaimCheck.NONE.applies(Long.MAX_VALUE - 1));
  }

  @Test
  void refusesAlteredTruncatedMissingAndForeignFiles() throws Exception {
    ClaimCheck cc = ClaimCheck.in(dir, 0);
    byte[] b = blob(4096, 2);
    URI uri = cc.put("r1", "policy", Hashing.sha256Hex(b), b);
    Path file = Path.of(uri);

    byte[] altered = b.clone();
    altered[100] ^= 1;
    Files.write(file, altered);
    ClaimCheck.Refused sha = assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, uri.toString())));
    assertTrue(sha.getMessage().contains("sha256"), sha.getMessage());

    Files.write(file, java.util.Arrays.copyOf(b, 4000));
    ClaimCheck.Refused shortFile = assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, uri.toString())));
    assertTrue(shortFile.getMessage().contains("4000 bytes"), shortFile.getMessage());

    Files.delete(file);
    ClaimCheck.Refused missing = assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, uri.toString())));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

    Path outside = Files.createTempFile("juice-outside", ".juicew");
    try {
      Files.write(outside, b);
      ClaimCheck.Refused foreign = assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, outside.toUri().toString())));
      assertTrue(foreign.getMessage().contains("outside"), foreign.getMessage());
      String traversal = dir.toUri() + "r1/../../" + outside.getFileName();
      assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, traversal)));
    } finally {
      Files.deleteIfExists(outside);
    }
    assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, "http://example.com/blob")));
    assertThrows(ClaimCheck.Refused.class, () -> cc.fetch(manifest(b, "not a uri")));
  }

  @Test
  void refusesSizesOutsideTheLimitBeforeReading() throws Exception {
    ClaimCheck small = new ClaimCheck(dir, 0, 1000);
    byte[] b = blob(2000, 3);
    URI uri = small.put("r1", "policy", Hashing.sha256Hex(b), b);
    ClaimCheck.Refused big = assertThrows(ClaimCheck.Refused.class, () -> small.fetch(manifest(b, uri.toString())));
    assertTrue(big.getMessage().contains("byteSize 2000"), big.getMessage());
  }

  @Test
  void aReaderWithoutTheSharedDirectorySaysWhatToSet() throws Exception {
    byte[] b = blob(100, 4);
    URI uri = ClaimCheck.in(dir, 0).put("r1", "policy", Hashing.sha256Hex(b), b);
    ClaimCheck.Refused e = assertThrows(ClaimCheck.Refused.class, () -> ClaimCheck.NONE.fetch(manifest(b, uri.toString())));
    assertTrue(e.getMessage().contains(ClaimCheck.DIR_ENV), e.getMessage());
  }

  @Test
  void environment() {
    assertFalse(ClaimCheck.fromEnv(Map.of()).enabled());
    ClaimCheck cc = ClaimCheck.fromEnv(Map.of(ClaimCheck.DIR_ENV, dir.toString(), ClaimCheck.THRESHOLD_ENV, "123"));
    assertEquals(dir.toAbsolutePath().normalize(), cc.dir());
    assertEquals(123, cc.thresholdBytes());
    assertEquals(ClaimCheck.DEFAULT_THRESHOLD, ClaimCheck.fromEnv(Map.of(ClaimCheck.DIR_ENV, dir.toString())).thresholdBytes());
    assertThrows(ConfigException.class, () -> ClaimCheck.fromEnv(Map.of(ClaimCheck.DIR_ENV, "x", ClaimCheck.THRESHOLD_ENV, "lots")));
    assertThrows(IllegalArgumentException.class, () -> ClaimCheck.in(dir, 0).put("../etc", "policy", "ab", new byte[1]));
  }

  @Test
  void chunkSizesMustAddUpBeforeTheBlobIsAllocated() throws Exception {
    byte[] b = blob(10, 5);
    assertArrayEquals(b, WeightSnapshot.assemble(manifest(b, null), chunks(b), ClaimCheck.NONE));
    // a manifest claiming 2 GB for 10 bytes of chunks is refused without allocating 2 GB
    ModelManifest huge = ModelManifest.newBuilder(manifest(b, null)).setByteSize(Integer.MAX_VALUE - 8).build();
    assertNull(WeightSnapshot.assemble(huge, chunks(b), ClaimCheck.NONE));
    ModelManifest negative = ModelManifest.newBuilder(manifest(b, null)).setByteSize(-1).build();
    assertNull(WeightSnapshot.assemble(negative, chunks(b), ClaimCheck.NONE));
  }

  private static Chunks chunks(byte[] only) {
    Chunks c = new Chunks();
    c.put(0, only);
    return c;
  }
}
