package dev.juice.common.avro;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serde of one generated Avro class in the Confluent wire format. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  public AvroSerde(SchemaRegistryClient client, Class<T> type, boolean isKey) {
    this.serializer = new AvroSerializer<T>(client, true, false).forKeys(isKey);
    this.deserializer = new AvroDeserializer<>(client, type);
  }

  /** A value serde that auto-registers its schema. */
  public static <T extends SpecificRecord> AvroSerde<T> forValues(SchemaRegistryClient client, Class<T> type) {
    return new AvroSerde<>(client, type, false);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.forKeys(isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
