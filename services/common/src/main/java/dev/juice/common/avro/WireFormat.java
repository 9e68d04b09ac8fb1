package dev.juice.common.avro;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0}, bytes 1–4 the schema id (big-endian
 * int), the rest the Avro binary encoding of the datum with the writer schema.
 */
public final class WireFormat {
  public static final byte MAGIC = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Reads the schema id of a framed payload. */
  public static int schemaId(byte[] payload) {
    if (payload == null || payload.length < HEADER_SIZE) {
      throw new SerializationException(
          "not Confluent wire format: " + (payload == null ? "null" : payload.length + " bytes")
              + " is shorter than the 5-byte header");
    }
    if (payload[0] != MAGIC) {
      throw new SerializationException("not Confluent wire format: magic byte is " + payload[0] + ", not 0");
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }

  public static void writeHeader(ByteBuffer buf, int schemaId) {
    buf.put(MAGIC).putInt(schemaId);
  }
}
