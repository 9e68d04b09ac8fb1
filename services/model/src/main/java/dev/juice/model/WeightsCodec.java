package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import dev.juice.model.hf.HfCheckpoint;
import dev.juice.model.hf.SafeTensors;
import dev.juice.model.text.BpeTokenizer;

/**
 * Model ⇄ bytes. Format {@code juice-weights-v2}: magic "JUICEW02", format version, model kind, then
 * a Hugging Face GPT-2 checkpoint in one blob — {@code config.json}, {@code tokenizer.json} and
 * {@code model.safetensors}, each length-prefixed — and a trailing SHA-256 of all preceding bytes.
 * {@code juice export} writes the same three parts as files. Decoding checks the checksum, the
 * architecture, every tensor's name and shape; a round trip is bit-identical. Blobs split into chunks
 * of at most 1,000,000 bytes, the largest record that fits Kafka's default limits with overhead.
 */
public final class WeightsCodec {
  public static final int MAX_CHUNK = 1_000_000;
  private static final byte[] MAGIC = "JUICEW02".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Kinds of model in a blob. */
  public enum Kind { POLICY, REWARD }

  private WeightsCodec() {}

  public static byte[] encode(Transformer model) {
    Kind kind = model instanceof RewardModel ? Kind.REWARD : Kind.POLICY;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, model.parameterCount() * 4 + 65536));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(kind.name());
      writeBytes(out, JSON.writeValueAsBytes(HfCheckpoint.configJson(model)));
      writeBytes(out, model.tokenizer().toJson());
      ByteArrayOutputStream st = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, model.parameterCount() * 4 + 65536));
      SafeTensors.write(HfCheckpoint.tensors(model), Map.of("format", "pt"), st);
      writeBytes(out, st.toByteArray());
      out.flush();
      out.write(sha256(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  /** A new model from a blob. */
  public static Transformer decode(byte[] blob, NDManager parent) {
    Header h = header(blob);
    Transformer m = h.kind == Kind.REWARD
        ? new RewardModel(h.config, h.tokenizer, parent, 0)
        : new PolicyModel(h.config, h.tokenizer, parent, 0);
    try {
      HfCheckpoint.assign(m, SafeTensors.decode(blob, h.tensorsOffset, h.tensorsLength, "weights blob"), "weights blob");
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  public static PolicyModel decodePolicy(byte[] blob, NDManager parent) {
    Transformer t = decode(blob, parent);
    if (t instanceof PolicyModel p) return p;
    t.close();
    throw new IllegalArgumentException("the blob holds a reward model, not a policy");
  }

  /**
   * Loads a blob into an existing model of the same architecture by copying values in place, so an
   * optimizer holding the parameters keeps working (DJL's loadParameters would replace the arrays).
   */
  public static void loadInto(Transformer model, byte[] blob) {
    Header h = header(blob);
    if (!h.config.equals(model.config())) {
      throw new IllegalArgumentException("blob config " + h.config + " does not match the model's " + model.config());
    }
    HfCheckpoint.assign(model, SafeTensors.decode(blob, h.tensorsOffset, h.tensorsLength, "weights blob"), "weights blob");
  }

  private record Header(Kind kind, ModelConfig config, BpeTokenizer tokenizer, int tensorsOffset, int tensorsLength) {}

  private static Header header(byte[] blob) {
    if (blob.length < MAGIC.length + 36 || !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not a juice-weights-v2 blob");
    }
    byte[] expected = Arrays.copyOfRange(blob, blob.length - 32, blob.length);
    MessageDigest md = digest();
    md.update(blob, 0, blob.length - 32);
    if (!MessageDigest.isEqual(expected, md.digest())) {
      throw new IllegalArgumentException("weights blob checksum mismatch (corrupt or truncated)");
    }
    try {
      ByteArrayInputStream bin = new ByteArrayInputStream(blob, MAGIC.length, blob.length - MAGIC.length - 32);
      DataInputStream in = new DataInputStream(bin);
      int version = in.readInt();
      if (version != VERSION) throw new IllegalArgumentException("weights format version " + version + " is not supported");
      Kind kind = Kind.valueOf(in.readUTF());
      HfCheckpoint.Header hc = HfCheckpoint.parseConfig(JSON.readTree(readBytes(in, bin)), "weights blob config.json");
      if (hc.reward() != (kind == Kind.REWARD)) throw new IllegalArgumentException("weights blob: kind " + kind + " but config.json disagrees");
      BpeTokenizer tok = BpeTokenizer.fromJson(readBytes(in, bin));
      HfCheckpoint.checkVocabulary(tok, hc.config(), "weights blob");
      int n = in.readInt();
      int offset = blob.length - 32 - bin.available();
      if (n < 0 || n > bin.available()) throw new IllegalArgumentException("weights blob: tensors section of " + n + " bytes is truncated");
      return new Header(kind, hc.config(), tok, offset, n);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt weights header: " + e.getMessage(), e);
    }
  }

  private static byte[] readBytes(DataInputStream in, ByteArrayInputStream bin) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > bin.available()) throw new IOException("section of " + n + " bytes exceeds the blob");
    return in.readNBytes(n);
  }

  /** Lower-case hex SHA-256 of a blob (what a manifest carries). */
  public static String sha256Hex(byte[] blob) {
    return HexFormat.of().formatHex(digest().digest(blob));
  }

  private static byte[] sha256(byte[] data) {
    return digest().digest(data);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Slices of at most {@code max} bytes. */
  public static List<byte[]> split(byte[] blob, int max) {
    if (max <= 0 || max > MAX_CHUNK) throw new IllegalArgumentException("chunk size must be in (0, " + MAX_CHUNK + "]");
    List<byte[]> out = new ArrayList<>();
    for (int off = 0; off < blob.length; off += max) out.add(Arrays.copyOfRange(blob, off, Math.min(blob.length, off + max)));
    if (out.isEmpty()) out.add(new byte[0]);
    return out;
  }

  public static byte[] join(List<byte[]> chunks) {
    int n = chunks.stream().mapToInt(c -> c.length).sum();
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, out, off, c.length);
      off += c.length;
    }
    return out;
  }
}
