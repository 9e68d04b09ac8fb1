package dev.juice.common.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.juice.avro.ModelKind;
import dev.juice.avro.ModelManifest;
import dev.juice.common.Hashing;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunksTest {
  private static final byte[] BLOB = new byte[2500];

  static {
    new Random(7).nextBytes(BLOB);
  }

  private static byte[] part(int i) {
    return Arrays.copyOfRange(BLOB, i * 1000, Math.min(BLOB.length, (i + 1) * 1000));
  }

  private static ModelManifest manifest(String sha) {
    return ModelManifest.newBuilder().setRunId("r").setModel("policy").setKind(ModelKind.POLICY).setVersion(1).setParentVersion(null)
        .setStep(0).setAlgorithm("sft").setByteSize(BLOB.length).setSha256(sha).setChunkCount(3).setMetrics(Map.of())
        .setCreatedAt(Instant.EPOCH).build();
  }

  @Test
  void chunksInAnyOrderAssembleToTheVerifiedBlob() {
    Chunks c = new Chunks();
    c.put(2, part(2));
    c.put(0, part(0));
    c.put(1, part(1));
    assertArrayEquals(BLOB, c.assemble(manifest(Hashing.sha256Hex(BLOB))));
  }

  @Test
  void aRepeatedIndexKeepsItsFirstBytesAndABadOneFailsTheHash() {
    Chunks c = new Chunks();
    c.put(0, part(0));
    c.put(0, new byte[1000]); // ignored
    c.put(1, part(1));
    c.put(2, part(2));
    assertArrayEquals(BLOB, c.assemble(manifest(Hashing.sha256Hex(BLOB))));

    Chunks bad = new Chunks();
    bad.put(0, new byte[1000]);
    bad.put(1, part(1));
    bad.put(2, part(2));
    assertNull(bad.assemble(manifest(Hashing.sha256Hex(BLOB))), "altered bytes");
  }

  @Test
  void missingChunksOrSizesThatDoNotAddUpAreRefused() {
    Chunks c = new Chunks();
    c.put(0, part(0));
    c.put(2, part(2));
    assertNull(c.assemble(manifest(Hashing.sha256Hex(BLOB))), "chunk 1 missing");

    Chunks shortOne = new Chunks();
    shortOne.put(0, part(0));
    shortOne.put(1, part(1));
    shortOne.put(2, new byte[10]);
    assertNull(shortOne.assemble(manifest(Hashing.sha256Hex(BLOB))), "2010 bytes for a 2500-byte manifest");
  }
}
