package dev.juice.schemaregistry;

import java.util.ArrayList;
import java.util.List;

/** Volatile store for tests and throw-away registries (like Apicurio's in-memory default). */
public final class InMemoryRegistryStore implements RegistryStore {
  private final List<RegistryEvent> events = new ArrayList<>();

  @Override
  public synchronized List<RegistryEvent> replay() {
    return List.copyOf(events);
  }

  @Override
  public synchronized void append(RegistryEvent event) {
    events.add(event);
  }

  @Override
  public void close() {}
}
