package dev.juice.schemaregistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}.
 * BACKWARD: the new schema reads data written with the old one. FORWARD: the old schema reads data
 * written with the new one. FULL: both. TRANSITIVE forms check every earlier version, the others only
 * the latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  public static CompatibilityLevel parse(String s) {
    if (s == null) throw new RegistryError(422, RegistryError.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: null");
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RegistryError(422, RegistryError.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level. Valid values are none, backward, forward, full, "
              + "backward_transitive, forward_transitive, and full_transitive; got '" + s + "'");
    }
  }

  /**
   * Incompatibilities of a candidate against earlier versions (oldest first); empty when compatible.
   */
  public List<String> check(Schema candidate, List<Schema> earlier) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || earlier.isEmpty()) return problems;
    List<Schema> against = transitive ? earlier : List.of(earlier.get(earlier.size() - 1));
    for (Schema old : against) {
      if (backward) describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "new schema cannot read data written with an earlier one", problems);
      if (forward) describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "an earlier schema cannot read data written with the new one", problems);
    }
    return problems;
  }

  private static void describe(SchemaPairCompatibility r, String what, List<String> out) {
    if (r.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) return;
    r.getResult().getIncompatibilities().forEach(i ->
        out.add("{errorType:'" + i.getType() + "', description:'" + what + ": " + i.getMessage()
            + "', location:'" + i.getLocation() + "'}"));
  }
}
