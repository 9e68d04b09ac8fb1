package dev.juice.common.avro;

import java.util.List;
import org.apache.avro.Schema;

/** The part of the Confluent Schema Registry REST API that Juice's serde and tools use. */
public interface SchemaRegistryClient {
  /** Registers (or finds) the schema under the subject; returns its global id. 409 if incompatible. */
  int register(String subject, Schema schema);

  /** Id of an already registered schema under the subject; 40401/40403 if unknown. */
  RegisteredSchema lookup(String subject, Schema schema);

  /** Schema by global id. */
  Schema byId(int id);

  /** Newest version of a subject. */
  RegisteredSchema latest(String subject);

  List<String> subjects();

  List<Integer> versions(String subject);

  /** Whether the schema is compatible with the subject's versions under its compatibility level. */
  boolean isCompatible(String subject, Schema schema);

  /** Global compatibility level (BACKWARD, FULL_TRANSITIVE, ...). */
  String compatibility();

  /** Sets the compatibility level of a subject (or globally when subject is null). */
  void setCompatibility(String subject, String level);
}
