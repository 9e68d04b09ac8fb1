package dev.juice.common.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format. The subject is
 * {@code <topic>-value} or {@code <topic>-key} (Confluent's TopicNameStrategy). Modes:
 * <ul>
 *   <li>auto-register (default): the record's schema is registered on first use; an incompatible
 *       schema fails with a {@link SerializationException} naming the subject and the reason;
 *   <li>use-latest: the subject's newest schema is the writer schema; records of an older schema are
 *       converted by Avro schema resolution;
 *   <li>neither: the record's schema must already be registered.
 * </ul>
 * Ids are cached per (subject, schema), so the registry is called once per schema. Thread-safe.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
  private SchemaRegistryClient client;
  private boolean autoRegister = true;
  private boolean useLatest = false;
  private boolean isKey;
  private SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC;
  private final Map<String, Map<Schema, Target>> targets = new ConcurrentHashMap<>();

  /** How a record's subject is named, as Confluent's strategies of the same names. */
  public enum SubjectNameStrategy {
    /** {@code <topic>-value}: one schema (and its evolutions) per topic. */
    TOPIC,
    /** {@code <topic>-<record full name>}: several record types in one topic. */
    TOPIC_RECORD
  }

  /** Uses another subject naming strategy (TOPIC_RECORD for topics that carry several types). */
  public AvroSerializer<T> withStrategy(SubjectNameStrategy s) {
    this.strategy = s;
    return this;
  }

  /** Where records of one schema go: the id to frame them with and the writer to encode them (built once). */
  private record Target(int id, Schema writerSchema, boolean convert, DatumWriter<Object> writer) {}

  /** For Kafka's reflective construction; configure() supplies the registry. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistryClient client, boolean autoRegister, boolean useLatest) {
    this.client = client;
    this.autoRegister = autoRegister;
    this.useLatest = useLatest;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (client == null) {
      String url = AvroSerdeConfig.string(configs, AvroSerdeConfig.SCHEMA_REGISTRY_URL);
      if (url == null) {
        throw new SerializationException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is not configured");
      }
      client = new RestSchemaRegistryClient(url);
      autoRegister = AvroSerdeConfig.flag(configs, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
      useLatest = AvroSerdeConfig.flag(configs, AvroSerdeConfig.USE_LATEST_VERSION, false);
    }
  }

  public AvroSerializer<T> forKeys(boolean isKey) {
    this.isKey = isKey;
    return this;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) return null;
    Schema schema = data.getSchema();
    String subject = strategy == SubjectNameStrategy.TOPIC_RECORD
        ? topic + "-" + schema.getFullName()
        : topic + (isKey ? "-key" : "-value");
    Target target =
        targets.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
            .computeIfAbsent(schema, s -> resolveTarget(subject, s, data instanceof SpecificRecord));
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(WireFormat.MAGIC);
      out.write(new byte[] {
        (byte) (target.id >>> 24), (byte) (target.id >>> 16), (byte) (target.id >>> 8), (byte) target.id
      });
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      target.writer.write(target.convert ? convert(data, target.writerSchema) : data, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot serialise a " + schema.getFullName() + " for subject '" + subject + "' (schema id "
              + target.id + "): " + e.getMessage(), e);
    }
  }

  private Target resolveTarget(String subject, Schema schema, boolean specific) {
    try {
      if (useLatest) {
        RegisteredSchema latest = client.latest(subject);
        if (latest.schema().equals(schema)) return new Target(latest.id(), schema, false, writer(schema, specific));
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          throw new SerializationException(
              "subject '" + subject + "': the latest registered schema (id " + latest.id()
                  + ") cannot read records of " + schema.getFullName() + ": " + compat.getDescription());
        }
        return new Target(latest.id(), latest.schema(), true, writer(latest.schema(), false));
      }
      int id = autoRegister ? client.register(subject, schema) : client.lookup(subject, schema).id();
      return new Target(id, schema, false, writer(schema, specific));
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == 409) {
        throw new SerializationException(
            "schema " + schema.getFullName() + " is incompatible with subject '" + subject + "': "
                + e.getMessage(), e);
      }
      throw new SerializationException(
          "schema registry refused subject '" + subject + "': " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> writer(Schema schema, boolean specific) {
    return specific
        ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema)
        : new GenericDatumWriter<>(schema, GenericData.get());
  }

  /** Re-reads the datum, written with its own schema, through Avro resolution into the target schema. */
  private static Object convert(GenericContainer data, Schema target) throws IOException {
    ByteArrayOutputStream tmp = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(tmp, null);
    writer(data.getSchema(), data instanceof SpecificRecord).write(data, enc);
    enc.flush();
    GenericDatumReader<Object> reader = new GenericDatumReader<>(data.getSchema(), target, GenericData.get());
    return reader.read(null, DecoderFactory.get().binaryDecoder(tmp.toByteArray(), null));
  }
}
