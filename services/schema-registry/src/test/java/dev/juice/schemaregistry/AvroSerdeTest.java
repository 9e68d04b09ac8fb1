package dev.juice.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.Demonstration;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.AvroSerde;
import dev.juice.common.avro.AvroSerdeConfig;
import dev.juice.common.avro.AvroSerializer;
import dev.juice.common.avro.RegistryUnavailableException;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.WireFormat;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final RegistryServer server =
      new RegistryServer(new SchemaRegistry(new InMemoryRegistryStore())).start("127.0.0.1", 0);
  private final RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

  @AfterEach
  void stop() {
    server.close();
  }

  static Demonstration demo() {
    return Demonstration.newBuilder().setId("d-1").setRunId("r").setPrompt("The food")
        .setResponse("was great.").setContentHash("ab").setSource("test")
        .setIngestedAt(Instant.ofEpochMilli(1_700_000_000_000L)).setAttributes(Map.of("k", "v")).build();
  }

  @Test
  void generatedClassRoundTripsInConfluentWireFormat() {
    AvroSerde<Demonstration> serde = AvroSerde.forValues(client, Demonstration.class);
    byte[] bytes = serde.serializer().serialize("topic", demo());
    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertEquals(id, WireFormat.schemaId(bytes));
    assertEquals(id, client.latest("topic-value").id(), "auto-registered under TopicNameStrategy's subject");
    assertEquals(demo(), serde.deserializer().deserialize("topic", bytes));
    assertNull(serde.serializer().serialize("topic", null));
    assertNull(serde.deserializer().deserialize("topic", null));
  }

  @Test
  void aRegistryOutageIsRetriableWhileAnUnknownSchemaIdIsABadRecord() {
    byte[] bytes = AvroSerde.forValues(client, Demonstration.class).serializer().serialize("topic", demo());
    byte[] unknownId = bytes.clone();
    unknownId[4] = 99; // schema id 99 was never registered
    SerializationException bad = assertThrows(SerializationException.class,
        () -> new AvroDeserializer<>(client, Demonstration.class).deserialize("topic", unknownId));
    assertTrue(!RegistryUnavailableException.in(bad), "a 404 is the record's fault: " + bad);

    String url = server.url();
    server.close();
    // a fresh reader (nothing cached) while the registry is down
    RuntimeException down = assertThrows(RuntimeException.class,
        () -> new AvroDeserializer<>(new RestSchemaRegistryClient(url), Demonstration.class).deserialize("topic", bytes));
    assertTrue(down instanceof RegistryUnavailableException, "an outage is retriable, not a bad record: " + down);
    assertTrue(down instanceof org.apache.kafka.common.errors.RetriableException);
  }

  @Test
  void aFrameDeclaringAHugeStringIsABadRecordNotAnAllocation() {
    byte[] bytes = AvroSerde.forValues(client, Demonstration.class).serializer().serialize("topic", demo());
    // header + the first field (id, a string) declaring 2^30 bytes (zig-zag varint of 2^30), then nothing
    byte[] frame = java.util.Arrays.copyOf(bytes, 10);
    long zz = (1L << 30) << 1;
    int at = 5;
    while ((zz & ~0x7FL) != 0) {
      frame[at++] = (byte) ((zz & 0x7F) | 0x80);
      zz >>>= 7;
    }
    frame[at++] = (byte) zz;
    byte[] cut = java.util.Arrays.copyOf(frame, at);
    SerializationException e = assertThrows(SerializationException.class,
        () -> new AvroDeserializer<>(client, Demonstration.class).deserialize("topic", cut));
    assertTrue(e.getMessage().contains("exceeds"), "refused by the length limit before allocating: " + e.getMessage());
  }

  @Test
  void readersOfV1AndV2ReadEachOthersRecords() {
    Schema v1 = new Schema.Parser().parse(Schemas.V1);
    Schema v2 = new Schema.Parser().parse(Schemas.V2_ADD_DEFAULT);
    AvroSerializer<GenericRecord> ser = new AvroSerializer<>(client, true, false);
    GenericRecord r1 = new GenericData.Record(v1);
    r1.put("text", "old");
    GenericRecord r2 = new GenericData.Record(v2);
    r2.put("text", "new");
    r2.put("stars", 5);
    byte[] b1 = ser.serialize("t", r1);
    byte[] b2 = ser.serialize("t", r2);

    GenericRecord v2ReadsV1 = (GenericRecord) AvroDeserializer.generic(client, v2).deserialize("t", b1);
    assertEquals("old", v2ReadsV1.get("text").toString());
    assertEquals(3, v2ReadsV1.get("stars"), "the default fills the field v1 lacked");
    GenericRecord v1ReadsV2 = (GenericRecord) AvroDeserializer.generic(client, v1).deserialize("t", b2);
    assertEquals("new", v1ReadsV2.get("text").toString());
    assertNull(v1ReadsV2.getSchema().getField("stars"), "v1 projection drops the new field");
    GenericRecord writerView = (GenericRecord) AvroDeserializer.generic(client, null).deserialize("t", b2);
    assertEquals(5, writerView.get("stars"));
  }

  @Test
  void useLatestWritesOldRecordsWithTheNewestSchema() {
    Schema v1 = new Schema.Parser().parse(Schemas.V1);
    Schema v2 = new Schema.Parser().parse(Schemas.V2_ADD_DEFAULT);
    int v2id = client.register("t-value", v1) >= 0 ? client.register("t-value", v2) : -1;
    AvroSerializer<GenericRecord> ser = new AvroSerializer<>(client, false, true);
    GenericRecord r1 = new GenericData.Record(v1);
    r1.put("text", "old");
    byte[] b = ser.serialize("t", r1);
    assertEquals(v2id, WireFormat.schemaId(b));
    GenericRecord back = (GenericRecord) AvroDeserializer.generic(client, null).deserialize("t", b);
    assertEquals(3, back.get("stars"));
  }

  @Test
  void incompatibleSchemaFailsNamingTheSubject() {
    client.setCompatibility(null, "FULL");
    AvroSerializer<GenericRecord> ser = new AvroSerializer<>(client, true, false);
    GenericRecord ok = new GenericData.Record(new Schema.Parser().parse(Schemas.V1));
    ok.put("text", "x");
    ser.serialize("reviews", ok);
    GenericRecord bad = new GenericData.Record(new Schema.Parser().parse(Schemas.V2_TYPE_CHANGE));
    bad.put("text", 1);
    SerializationException e = assertThrows(SerializationException.class, () -> ser.serialize("reviews", bad));
    assertTrue(e.getMessage().contains("'reviews-value'"), e.getMessage());
    assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
  }

  @Test
  void withoutAutoRegisterAnUnknownSchemaIsRefused() {
    AvroSerializer<Demonstration> ser = new AvroSerializer<>(client, false, false);
    SerializationException e = assertThrows(SerializationException.class, () -> ser.serialize("x", demo()));
    assertTrue(e.getMessage().contains("'x-value'"), e.getMessage());
  }

  @Test
  void configuredByKafkaPropertiesLikeConfluentsSerde() {
    AvroSerializer<Demonstration> ser = new AvroSerializer<>();
    ser.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url()), false);
    AvroDeserializer<Demonstration> de = new AvroDeserializer<>();
    de.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
        AvroSerdeConfig.SPECIFIC_AVRO_READER, "true",
        AvroSerdeConfig.READER_CLASS, Demonstration.class.getName()), false);
    assertEquals(demo(), de.deserialize("c", ser.serialize("c", demo())));
  }

  @Test
  void garbageIsASerializationExceptionNotACrash() {
    AvroDeserializer<Demonstration> de = new AvroDeserializer<>(client, Demonstration.class);
    assertThrows(SerializationException.class, () -> de.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
    assertThrows(SerializationException.class, () -> de.deserialize("t", new byte[] {0, 0}));
    assertThrows(SerializationException.class, () -> de.deserialize("t", new byte[] {0, 0, 0, 0, 99, 2}));
    byte[] good = AvroSerde.forValues(client, Demonstration.class).serializer().serialize("t", demo());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
    assertThrows(SerializationException.class, () -> de.deserialize("t", truncated));
    assertArrayEquals(good, AvroSerde.forValues(client, Demonstration.class).serializer().serialize("t", demo()));
  }
}
