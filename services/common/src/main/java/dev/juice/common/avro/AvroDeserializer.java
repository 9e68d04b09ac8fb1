package dev.juice.common.avro;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format. The writer schema comes from the registry by id (cached); the
 * reader schema is the generated class's when one is given (so a consumer compiled against v1 reads
 * v2 records and the reverse, wherever Avro resolution allows), or the writer's for generic reading.
 * Thread-safe.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
  /**
   * Avro allocates a string, bytes or array of the length a record declares before reading it, so a
   * 10-byte frame declaring a 2 GB string would allocate 2 GB. Juice's records hold at most a few
   * thousand characters of text, token arrays of at most a few thousand ids and weight chunks of
   * 1,000,000 bytes; these limits (Avro's own system properties, set unless the JVM sets them) make
   * such a frame a bad record instead of an OutOfMemoryError.
   */
  static final long MAX_STRING = 16L << 20;
  static final long MAX_BYTES = 64L << 20;
  static final long MAX_ITEMS = 16L << 20;

  static {
    limit("org.apache.avro.limits.string.maxLength", MAX_STRING);
    limit("org.apache.avro.limits.bytes.maxLength", MAX_BYTES);
    limit("org.apache.avro.limits.collectionItems.maxLength", MAX_ITEMS);
  }

  private static void limit(String property, long value) {
    if (System.getProperty(property) == null) System.setProperty(property, Long.toString(value));
  }

  private SchemaRegistryClient client;
  private Class<?> readerClass;
  private Schema readerSchema;
  private final Map<Integer, DatumReader<?>> readers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; configure() supplies the registry and reader class. */
  public AvroDeserializer() {}

  /**
   * @param client registry client
   * @param readerClass generated class to read into, or null for GenericRecord with the writer schema
   */
  public AvroDeserializer(SchemaRegistryClient client, Class<T> readerClass) {
    this.client = client;
    setReaderClass(readerClass);
  }

  /** Generic reading with an explicit reader schema (projection / evolution). */
  public static AvroDeserializer<Object> generic(SchemaRegistryClient client, Schema readerSchema) {
    AvroDeserializer<Object> d = new AvroDeserializer<>(client, null);
    d.readerSchema = readerSchema;
    return d;
  }

  private void setReaderClass(Class<?> cls) {
    this.readerClass = cls;
    this.readerSchema = cls == null ? null : SpecificData.get().getSchema(cls);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (client == null) {
      String url = AvroSerdeConfig.string(configs, AvroSerdeConfig.SCHEMA_REGISTRY_URL);
      if (url == null) {
        throw new SerializationException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is not configured");
      }
      client = new RestSchemaRegistryClient(url);
      String cls = AvroSerdeConfig.string(configs, AvroSerdeConfig.READER_CLASS);
      if (AvroSerdeConfig.flag(configs, AvroSerdeConfig.SPECIFIC_AVRO_READER, false) && cls != null) {
        try {
          setReaderClass(Class.forName(cls));
        } catch (ClassNotFoundException e) {
          throw new SerializationException(AvroSerdeConfig.READER_CLASS + " names an unknown class: " + cls, e);
        }
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) return null;
    int id = WireFormat.schemaId(data);
    try {
      DatumReader<?> reader = readers.computeIfAbsent(id, this::newReader);
      return (T) reader.read(
          null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null));
    } catch (SchemaRegistryException e) {
      if (e.isTransient()) {
        throw new RegistryUnavailableException("schema registry unavailable while reading a record of topic '" + topic
            + "' (schema id " + id + "); retry later: " + e.getMessage(), e);
      }
      throw new SerializationException(
          "cannot deserialise a record of topic '" + topic + "' written with schema id " + id + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot deserialise a record of topic '" + topic + "' written with schema id " + id + ": "
              + e.getMessage(), e);
    }
  }

  /** Reads every record into the generated class its writer schema names (topics carrying several types). */
  public static <T> AvroDeserializer<T> specificByWriterSchema(SchemaRegistryClient client) {
    AvroDeserializer<T> d = new AvroDeserializer<>(client, null);
    d.specificByWriter = true;
    return d;
  }

  private boolean specificByWriter;

  private DatumReader<?> newReader(int id) {
    Schema writer = client.byId(id);
    if (specificByWriter) {
      return new SpecificDatumReader<>(writer, writer, SpecificData.get());
    }
    if (readerClass != null) {
      return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForClass(readerClass));
    }
    return new GenericDatumReader<>(writer, readerSchema == null ? writer : readerSchema, GenericData.get());
  }
}
