package dev.juice.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.embedded.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class KafkaRegistryStoreIT {
  @Test
  void stateIsRebuiltFromTheCompactedTopicOnStart() {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(Map.of(
          "JUICE_BOOTSTRAP", kafka.bootstrapServers(), "JUICE_REGISTRY_PORT", "0",
          "JUICE_REGISTRY_HOST", "127.0.0.1"));
      int id1;
      int id2;
      try (SchemaRegistryMain.Running r = SchemaRegistryMain.start(config)) {
        RestSchemaRegistryClient c = new RestSchemaRegistryClient(r.url());
        c.setCompatibility("a-value", "FULL");
        id1 = c.register("a-value", new Schema.Parser().parse(Schemas.V1));
        id2 = c.register("a-value", new Schema.Parser().parse(Schemas.V2_ADD_DEFAULT));
        c.register("b-value", new Schema.Parser().parse(Schemas.V1));
      }
      try (SchemaRegistryMain.Running r = SchemaRegistryMain.start(config)) {
        RestSchemaRegistryClient c = new RestSchemaRegistryClient(r.url());
        assertEquals(List.of("a-value", "b-value"), c.subjects());
        assertEquals(List.of(1, 2), c.versions("a-value"));
        assertEquals(id2, c.latest("a-value").id());
        assertEquals(id1, c.latest("b-value").id());
        assertEquals(new Schema.Parser().parse(Schemas.V1), c.byId(id1));
        assertEquals("FULL", r.registry().compatibility("a-value").name());
        int id3 = c.register("c-value", new Schema.Parser().parse(Schemas.V2_TYPE_CHANGE));
        assertEquals(id2 + 1, id3, "ids continue after a restart");
      }
    }
  }
}
