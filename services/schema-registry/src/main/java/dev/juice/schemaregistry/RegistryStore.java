package dev.juice.schemaregistry;

import java.util.List;

/** Durable log of registry events; the state is rebuilt by replaying it. */
public interface RegistryStore extends AutoCloseable {
  /** Every event so far, in order. */
  List<RegistryEvent> replay();

  /** Appends one event durably before returning. */
  void append(RegistryEvent event);

  @Override
  void close();
}
