package dev.juice.pipeline;

import dev.juice.avro.Demonstration;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.model.pipeline.Demo;
import java.util.Map;

/** Every demonstration of a run, from {@code juice.<run>.demonstrations}. */
public final class DemoFeed extends TopicFeed<Demonstration, Demo> {
  public DemoFeed(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic) {
    super(clientProps, registry, topic, Demonstration.class, "demonstration", d -> d.getId(), Convert::demo);
  }
}
