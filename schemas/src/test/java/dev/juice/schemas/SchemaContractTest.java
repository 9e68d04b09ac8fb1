package dev.juice.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/**
 * The contracts between services: every schema documented, enums with defaults, every field added
 * after a release carries a default, and each schema reads data written with every released version
 * (BACKWARD) — so consumers can be upgraded before producers.
 */
class SchemaContractTest {
  /** Files that define types other files refer to, parsed first. */
  private static final List<String> FIRST = List.of("Lineage.avsc", "PreferenceLabel.avsc", "ModelKind.avsc", "PolicySample.avsc");

  static Map<String, Schema> load(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    FIRST.forEach(f -> files.add(dir.resolve(f)));
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".avsc") && !FIRST.contains(p.getFileName().toString()))
          .sorted().forEach(files::add);
    }
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> out = new LinkedHashMap<>();
    for (Path f : files) {
      Schema schema = parser.parse(f.toFile());
      assertEquals(f.getFileName().toString(), schema.getName() + ".avsc", "one named type per file, named like it");
      out.put(schema.getFullName(), schema);
    }
    return out;
  }

  static List<Path> releases() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("released"))) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  @Test
  void everyRecordAndFieldIsDocumentedAndEveryEnumHasADefault() throws IOException {
    Map<String, Schema> current = load(Path.of("avro"));
    assertEquals(11, current.size());
    for (Schema s : current.values()) {
      assertNotNull(s.getDoc(), s.getFullName() + " has no doc");
      if (s.getType() == Schema.Type.ENUM) {
        assertNotNull(s.getEnumDefault(), s.getFullName() + " has no default symbol");
      }
      if (s.getType() == Schema.Type.RECORD) {
        for (Schema.Field f : s.getFields()) {
          assertNotNull(f.doc(), s.getName() + "." + f.name() + " has no doc");
          assertFalse(f.doc().isBlank(), s.getName() + "." + f.name() + " has a blank doc");
        }
      }
    }
  }

  @Test
  void currentSchemasReadDataOfEveryReleasedVersion() throws IOException {
    Map<String, Schema> current = load(Path.of("avro"));
    List<Path> releases = releases();
    assertFalse(releases.isEmpty(), "the first release (v1) is committed under schemas/released");
    for (Path release : releases) {
      Map<String, Schema> old = load(release);
      for (Map.Entry<String, Schema> e : old.entrySet()) {
        Schema now = current.get(e.getKey());
        assertNotNull(now, e.getKey() + " was released in " + release + " and must not be removed");
        var result = SchemaCompatibility.checkReaderWriterCompatibility(now, e.getValue());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
            e.getKey() + " cannot read data written with " + release + ": " + result.getDescription());
        if (now.getType() == Schema.Type.RECORD) {
          for (Schema.Field f : now.getFields()) {
            if (e.getValue().getField(f.name()) == null) {
              assertTrue(f.hasDefaultValue(), e.getKey() + "." + f.name() + " was added after " + release + " without a default");
            }
          }
        }
      }
    }
  }

  @Test
  void theCheckCatchesABreakingChange() throws IOException {
    Map<String, Schema> v1 = load(Path.of("released/v1"));
    Schema demo = v1.get("dev.juice.avro.Demonstration");
    Schema broken = new Schema.Parser().parse(demo.toString().replace(
        "{\"name\":\"id\",\"type\":\"string\"", "{\"name\":\"id\",\"type\":\"long\""));
    assertEquals(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(broken, demo).getType());
  }
}
