package dev.juice.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaRegistryTest {
  private final InMemoryRegistryStore store = new InMemoryRegistryStore();
  private final SchemaRegistry registry = new SchemaRegistry(store);

  @Test
  void sameSchemaGetsOneIdAcrossSubjectsAndIsNotRegisteredTwice() {
    int a = registry.register("a-value", Schemas.V1);
    assertEquals(a, registry.register("a-value", Schemas.V1));
    assertEquals(a, registry.register("b-value", Schemas.V1), "ids are global per schema");
    assertEquals(List.of(1), registry.versions("a-value", false));
    int v2 = registry.register("a-value", Schemas.V2_ADD_DEFAULT);
    assertNotEquals(a, v2);
    assertEquals(List.of(1, 2), registry.versions("a-value", false));
    assertEquals(2, registry.version("a-value", "latest", false).version());
    assertEquals(v2, registry.lookup("a-value", Schemas.V2_ADD_DEFAULT, false).id());
  }

  @Test
  void defaultLevelIsBackwardAndRefusesABreakingChangeWithConfluentsCode() {
    assertEquals(CompatibilityLevel.BACKWARD, registry.compatibility("x"));
    registry.register("s", Schemas.V1);
    RegistryError e = assertThrows(RegistryError.class, () -> registry.register("s", Schemas.V2_ADD_REQUIRED));
    assertEquals(409, e.status());
    assertEquals(409, e.errorCode());
    assertTrue(e.getMessage().contains("subject \"s\""), e.getMessage());
    assertTrue(e.getMessage().contains("stars"), "names the offending field: " + e.getMessage());
    assertEquals(List.of(1), registry.versions("s", false), "nothing was registered");
  }

  /** Each level against v1 → candidate: is the candidate accepted? */
  @ParameterizedTest(name = "{0}: v1 -> {1} accepted={2}")
  @CsvSource({
    "NONE, V2_TYPE_CHANGE, true",
    "BACKWARD, V2_ADD_DEFAULT, true",
    "BACKWARD, V2_ADD_REQUIRED, false",
    "FORWARD, V2_ADD_REQUIRED, true",
    "FORWARD, V2_TYPE_CHANGE, false",
    "FULL, V2_ADD_DEFAULT, true",
    "FULL, V2_ADD_REQUIRED, false",
    "BACKWARD_TRANSITIVE, V2_ADD_DEFAULT, true",
    "FORWARD_TRANSITIVE, V2_ADD_DEFAULT, true",
    "FULL_TRANSITIVE, V2_TYPE_CHANGE, false",
  })
  void levels(String level, String candidate, boolean accepted) throws Exception {
    registry.setCompatibility("s", level);
    registry.register("s", Schemas.V1);
    String text = (String) Schemas.class.getDeclaredField(candidate).get(null);
    assertEquals(accepted, registry.testCompatibility("s", "latest", text).isEmpty());
    if (accepted) {
      registry.register("s", text);
    } else {
      assertEquals(409, assertThrows(RegistryError.class, () -> registry.register("s", text)).errorCode());
    }
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    // v1 -> v2 (adds required 'stars') is FORWARD compatible; v3 drops 'text' default-less... use FORWARD chain
    String v3 = """
        {"type":"record","name":"Review","namespace":"t","fields":[
          {"name":"stars","type":"int"}]}""";
    registry.setCompatibility("plain", "FORWARD");
    registry.register("plain", Schemas.V1);
    registry.register("plain", Schemas.V2_ADD_REQUIRED);
    // v3 removes 'text': v2 readers (text has no default) cannot read v3 data -> FORWARD fails vs latest too
    assertTrue(!registry.testCompatibility("plain", null, v3).isEmpty());

    // A chain that passes against the latest but not against v1: BACKWARD, v1 {text} -> v2 {text, stars=3}
    // -> v3 {stars without default}: v3 reader can read v2 data (has stars) but not v1 data (no stars).
    registry.setCompatibility("t1", "BACKWARD");
    registry.setCompatibility("t2", "BACKWARD_TRANSITIVE");
    for (String s : List.of("t1", "t2")) {
      registry.register(s, Schemas.V1);
      registry.register(s, Schemas.V2_ADD_DEFAULT);
    }
    registry.register("t1", v3);
    RegistryError e = assertThrows(RegistryError.class, () -> registry.register("t2", v3));
    assertEquals(409, e.errorCode());
  }

  @Test
  void softThenPermanentDelete() {
    registry.register("s", Schemas.V1);
    registry.register("s", Schemas.V2_ADD_DEFAULT);
    assertEquals(404, assertThrows(RegistryError.class, () -> registry.deleteSubject("s", true)).status());
    assertEquals(List.of(1, 2), registry.deleteSubject("s", false));
    assertEquals(List.of(), registry.subjects(false));
    assertEquals(List.of("s"), registry.subjects(true));
    assertEquals(RegistryError.SUBJECT_NOT_FOUND,
        assertThrows(RegistryError.class, () -> registry.versions("s", false)).errorCode());
    int id = registry.lookup("s", Schemas.V1, true).id();
    assertEquals(Schemas.V1.replaceAll("\\s", ""), registry.schemaById(id).replaceAll("\\s", ""),
        "a soft-deleted schema is still readable by id");
    assertEquals(List.of(1, 2), registry.deleteSubject("s", true));
    assertEquals(List.of(), registry.subjects(true));
    // re-registering after a permanent delete starts at version 1 and keeps the schema's id
    assertEquals(id, registry.register("s", Schemas.V1));
    assertEquals(List.of(1), registry.versions("s", false));
  }

  @Test
  void invalidInputGetsConfluentsErrorCodes() {
    assertEquals(RegistryError.INVALID_SCHEMA,
        assertThrows(RegistryError.class, () -> registry.register("s", "{not avro")).errorCode());
    assertEquals(RegistryError.INVALID_SCHEMA,
        assertThrows(RegistryError.class, () -> registry.register("s", "")).errorCode());
    registry.register("s", Schemas.V1);
    assertEquals(RegistryError.INVALID_VERSION,
        assertThrows(RegistryError.class, () -> registry.version("s", "zero", false)).errorCode());
    assertEquals(RegistryError.VERSION_NOT_FOUND,
        assertThrows(RegistryError.class, () -> registry.version("s", "7", false)).errorCode());
    assertEquals(RegistryError.INVALID_COMPATIBILITY_LEVEL,
        assertThrows(RegistryError.class, () -> registry.setCompatibility(null, "SIDEWAYS")).errorCode());
    assertEquals(RegistryError.SCHEMA_NOT_FOUND,
        assertThrows(RegistryError.class, () -> registry.schemaById(999)).errorCode());
    assertEquals(RegistryError.SCHEMA_NOT_FOUND,
        assertThrows(RegistryError.class, () -> registry.lookup("s", Schemas.V2_ADD_DEFAULT, false)).errorCode());
  }

  @Test
  void replayingTheStoreRebuildsTheSameState() {
    registry.setCompatibility(null, "FULL");
    registry.setCompatibility("s", "NONE");
    int a = registry.register("s", Schemas.V1);
    int b = registry.register("s", Schemas.V2_TYPE_CHANGE);
    registry.register("t", Schemas.V1);
    registry.deleteVersion("t", "1", false);

    SchemaRegistry rebuilt = new SchemaRegistry(store);
    assertEquals(CompatibilityLevel.FULL, rebuilt.globalCompatibility());
    assertEquals(CompatibilityLevel.NONE, rebuilt.compatibility("s"));
    assertEquals(List.of(1, 2), rebuilt.versions("s", false));
    assertEquals(b, rebuilt.version("s", "2", false).id());
    assertEquals(a, rebuilt.lookup("s", Schemas.V1, false).id());
    assertEquals(List.of("s"), rebuilt.subjects(false));
    int c = rebuilt.register("u", Schemas.V2_ADD_DEFAULT);
    assertTrue(c > b, "new ids continue after the replayed ones");
  }
}
