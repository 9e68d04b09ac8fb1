package dev.juice.pipeline;

import dev.juice.avro.PreferencePair;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.model.pipeline.Preference;
import java.util.Map;

/** Every preference pair of a run, from {@code juice.<run>.preferences} (SER's input). */
public final class PreferenceFeed extends TopicFeed<PreferencePair, Preference> {
  public PreferenceFeed(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic) {
    super(clientProps, registry, topic, PreferencePair.class, "preference pair", p -> p.getId(), Convert::preference);
  }
}
