package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Model ⇄ bytes. Format {@code juice-weights-v1}: magic "JUICEW01", format version, model kind,
 * config, tokenizer, then every parameter (name, shape, float32 little-endian) in the model's fixed
 * order, and a trailing SHA-256 of all preceding bytes. Decoding checks the checksum, names and
 * shapes; a round trip is bit-identical. Blobs split into chunks of at most 1,000,000 bytes, the
 * largest record that fits Kafka's default limits with overhead.
 */
public final class WeightsCodec {
  public static final int MAX_CHUNK = 1_000_000;
  private static final byte[] MAGIC = "JUICEW01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  /** Kinds of model in a blob. */
  public enum Kind { POLICY, REWARD }

  private WeightsCodec() {}

  public static byte[] encode(Transformer model) {
    Kind kind = model instanceof RewardModel ? Kind.REWARD : Kind.POLICY;
    CharTokenizer tok = model instanceof PolicyModel p ? p.tokenizer() : ((RewardModel) model).tokenizer();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) (model.parameterCount() * 4 + 4096));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(kind.name());
      ModelConfig c = model.config();
      out.writeInt(c.vocabSize());
      out.writeInt(c.contextLength());
      out.writeInt(c.embedDim());
      out.writeInt(c.numHeads());
      out.writeInt(c.numLayers());
      tok.write(out);
      Map<String, NDArray> params = model.parameters();
      out.writeInt(params.size());
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        out.writeUTF(e.getKey());
        long[] shape = e.getValue().getShape().getShape();
        out.writeInt(shape.length);
        for (long d : shape) out.writeLong(d);
        float[] v = e.getValue().toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        out.write(buf.array());
      }
      out.flush();
      out.write(sha256(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A new model from a blob. */
  public static Transformer decode(byte[] blob, NDManager parent) {
    Header h = header(blob);
    Transformer m = h.kind == Kind.REWARD
        ? new RewardModel(h.config, h.tokenizer, parent, 0)
        : new PolicyModel(h.config, h.tokenizer, parent, 0);
    loadInto(m, blob);
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
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob, h.paramsOffset, blob.length - 32 - h.paramsOffset))) {
      int n = in.readInt();
      Map<String, NDArray> params = model.parameters();
      if (n != params.size()) throw new IllegalArgumentException("blob has " + n + " parameters, the model " + params.size());
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        String name = in.readUTF();
        if (!name.equals(e.getKey())) throw new IllegalArgumentException("parameter " + name + " where " + e.getKey() + " was expected");
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) shape[i] = in.readLong();
        if (!new Shape(shape).equals(e.getValue().getShape())) {
          throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape) + ", the model " + e.getValue().getShape());
        }
        byte[] raw = new byte[(int) (new Shape(shape).size() * 4)];
        in.readFully(raw);
        float[] v = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        e.getValue().set(v);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt weights blob: " + e.getMessage(), e);
    }
  }

  private record Header(Kind kind, ModelConfig config, CharTokenizer tokenizer, int paramsOffset) {}

  private static Header header(byte[] blob) {
    if (blob.length < MAGIC.length + 36 || !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not a juice-weights-v1 blob");
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
      ModelConfig c = new ModelConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
      CharTokenizer tok = CharTokenizer.read(in);
      int offset = blob.length - 32 - bin.available();
      return new Header(kind, c, tok, offset);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt weights header: " + e.getMessage(), e);
    }
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
