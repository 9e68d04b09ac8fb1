package dev.juice.schemaregistry;

/**
 * One change of registry state, as stored in the backing compacted topic. Keys and values are JSON in
 * the shape Confluent's registry uses for its own {@code _schemas} topic.
 */
public sealed interface RegistryEvent {
  /** A schema version of a subject; {@code deleted} marks a soft delete. */
  record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) implements RegistryEvent {}

  /** Permanent removal of a subject version (a tombstone in the topic). */
  record SchemaVersionRemoved(String subject, int version) implements RegistryEvent {}

  /** Compatibility level of a subject, or the global one when subject is null; level null = cleared. */
  record Config(String subject, String level) implements RegistryEvent {}
}
