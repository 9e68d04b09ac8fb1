package dev.juice.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data), read into float32 and written as
 * float32. F16 and BF16 tensors are widened in Java (the PyTorch engine cannot create BF16 arrays).
 * Files are read tensor by tensor through a channel, so a file may exceed 2 GiB; every error names the
 * file and the tensor. Written headers are padded to 8 bytes, as the reference implementation does.
 */
public final class SafeTensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Refuse headers beyond this (the reference implementation's limit is 100 MB). */
  private static final long MAX_HEADER = 100_000_000L;

  private SafeTensors() {}

  /** One tensor, widened to float32. */
  public record Tensor(String dtype, long[] shape, float[] data) {
    public long size() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }
  }

  /** Every tensor of a file, in header order ({@code __metadata__} skipped). */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(new Source(file.toString(), ch.size()) {
        @Override
        void readFully(ByteBuffer into, long position) throws IOException {
          while (into.hasRemaining()) {
            int n = ch.read(into, position + into.position());
            if (n < 0) throw new IOException(name + " ended early");
          }
        }
      });
    }
  }

  /** Every tensor of an in-memory file. */
  public static Map<String, Tensor> decode(byte[] bytes, String name) {
    return decode(bytes, 0, bytes.length, name);
  }

  /** Every tensor of a file held in {@code bytes[offset, offset + length)}. */
  public static Map<String, Tensor> decode(byte[] bytes, int offset, int length, String name) {
    try {
      return read(new Source(name, length) {
        @Override
        void readFully(ByteBuffer into, long position) {
          into.put(bytes, offset + (int) position, into.remaining());
        }
      });
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private abstract static class Source {
    final String name;
    final long size;

    Source(String name, long size) {
      this.name = name;
      this.size = size;
    }

    abstract void readFully(ByteBuffer into, long position) throws IOException;
  }

  private static Map<String, Tensor> read(Source src) throws IOException {
    if (src.size < 8) throw new IllegalArgumentException(src.name + " is truncated: " + src.size + " bytes, no safetensors header");
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    src.readFully(len, 0);
    long n = len.flip().getLong();
    if (n <= 0 || n > MAX_HEADER || 8 + n > src.size) {
      throw new IllegalArgumentException(src.name + " is not a safetensors file or is truncated: header of " + n
          + " bytes in a file of " + src.size);
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    src.readFully(hb, 8);
    JsonNode header;
    try {
      header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(src.name + ": the safetensors header is not JSON", e);
    }
    if (header == null || !header.isObject()) throw new IllegalArgumentException(src.name + ": the safetensors header is not a JSON object");
    long dataStart = 8 + n;
    long dataSize = src.size - dataStart;
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) continue;
      String t = e.getKey();
      JsonNode d = e.getValue();
      String dtype = d.path("dtype").asText();
      int width = switch (dtype) {
        case "F32" -> 4;
        case "F16", "BF16" -> 2;
        default -> throw new IllegalArgumentException(src.name + ": tensor " + t + " has dtype '" + dtype
            + "' (supported: F32, F16, BF16)");
      };
      JsonNode sh = d.path("shape");
      JsonNode off = d.path("data_offsets");
      if (!sh.isArray() || !off.isArray() || off.size() != 2) {
        throw new IllegalArgumentException(src.name + ": tensor " + t + " lacks a shape or data_offsets");
      }
      long[] shape = new long[sh.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = sh.get(i).asLong();
        if (shape[i] < 0) throw new IllegalArgumentException(src.name + ": tensor " + t + " has a negative dimension");
        count *= shape[i];
      }
      long begin = off.get(0).asLong();
      long end = off.get(1).asLong();
      if (begin < 0 || end < begin || end - begin != count * width) {
        throw new IllegalArgumentException(src.name + ": tensor " + t + " spans bytes [" + begin + ", " + end + ") but shape "
            + Arrays.toString(shape) + " of " + dtype + " needs " + count * width);
      }
      if (end > dataSize) {
        throw new IllegalArgumentException(src.name + " is truncated: tensor " + t + " needs data up to byte " + end
            + ", the file holds " + dataSize);
      }
      if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(src.name + ": tensor " + t + " has more than 2^31 elements");
      ByteBuffer raw = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
      src.readFully(raw, dataStart + begin);
      raw.flip();
      float[] v = new float[(int) count];
      switch (dtype) {
        case "F32" -> raw.asFloatBuffer().get(v);
        case "BF16" -> {
          for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
        }
        default -> {
          for (int i = 0; i < v.length; i++) v[i] = halfToFloat(raw.getShort());
        }
      }
      out.put(t, new Tensor(dtype, shape, v));
    }
    return out;
  }

  /** IEEE 754 binary16 → binary32 (exact). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      if (mant == 0) return Float.intBitsToFloat(sign);
      float f = mant / 1024f * (float) Math.pow(2, -14); // subnormal
      return sign == 0 ? f : -f;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Float32 tensors with their shapes, written in the given order. */
  public record Named(String name, long[] shape, float[] data) {}

  public static void write(Iterable<Named> tensors, Map<String, String> metadata, OutputStream out) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Named t : tensors) {
      ObjectNode o = header.putObject(t.name());
      o.put("dtype", "F32");
      ArrayNode s = o.putArray("shape");
      for (long d : t.shape()) s.add(d);
      o.putArray("data_offsets").add(offset).add(offset + 4L * t.data().length);
      offset += 4L * t.data().length;
    }
    byte[] h = JSON.writeValueAsBytes(header);
    int padded = (h.length + 7) / 8 * 8;
    byte[] hp = Arrays.copyOf(h, padded);
    Arrays.fill(hp, h.length, padded, (byte) ' ');
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    out.write(hp);
    for (Named t : tensors) {
      ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(t.data());
      out.write(b.array());
    }
  }
}
