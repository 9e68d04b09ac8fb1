package dev.juice.launcher;

import dev.juice.avro.MetricEvent;
import dev.juice.avro.ModelManifest;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.GroupProgress;
import dev.juice.common.kafka.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A run's state read from its topics: log sizes, ingest lag, weight versions, latest metrics. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a run's state read from its topics.",
        "Log sizes, ingest lag, the newest weight version of each model and the latest value of each metric;",
        "against --bootstrap/--registry, or a local --data-dir kept by juice up/run."})
final class StatusCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Override
  public Integer call() throws Exception {
    try (LocalStack stack = connection.open()) {
      var names = stack.topics().names();
      System.out.printf("run '%s' on %s (registry %s)%n%n", names.run(), stack.settings().bootstrapServers(),
          stack.settings().registryUrl());
      System.out.println("topic                                          log size (offsets, incl. transaction markers)");
      for (String topic : names.all()) {
        System.out.printf("  %-44s %,d%n", topic, logSize(stack, topic));
      }
      System.out.printf("%ningest lag (group %s): %,d records%n", names.groupId("ingest"),
          GroupProgress.lag(stack.admin(), names.groupId("ingest"), List.of(names.demonstrationsRaw(), names.preferencesRaw())));

      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      Map<String, ModelManifest> newest = new TreeMap<>();
      TopicReader.read(stack.clientProps(), names.weights(), Map.of(), new StringDeserializer(),
          AvroDeserializer.<SpecificRecord>specificByWriterSchema(registry), Duration.ofMinutes(1), r -> {
            if (r.value() instanceof ModelManifest m) newest.merge(m.getModel(), m, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
          });
      System.out.println("\nweights (newest version per model):");
      if (newest.isEmpty()) System.out.println("  none yet");
      newest.forEach((model, m) -> System.out.printf("  %-10s v%d  step %d  %-8s %,.1f MB  sha256 %s…  %s  %s%n",
          model, m.getVersion(), m.getStep(), m.getAlgorithm(), m.getByteSize() / 1e6, m.getSha256().substring(0, 12),
          m.getCreatedAt(), m.getMetrics()));

      Map<String, MetricEvent> latest = new TreeMap<>();
      TopicReader.read(stack.clientProps(), names.metrics(), Map.of(), new StringDeserializer(),
          new AvroDeserializer<>(registry, MetricEvent.class), Duration.ofMinutes(1),
          r -> latest.put(r.value().getService() + " " + r.value().getName(), r.value()));
      System.out.println("\nmetrics (latest value per service and name):");
      if (latest.isEmpty()) System.out.println("  none yet");
      latest.forEach((k, e) -> System.out.printf("  %-52s %12.4f  step %d%s%s%n", k, e.getValue(), e.getStep(),
          e.getModelVersion() == null ? "" : "  v" + e.getModelVersion(), e.getTags().isEmpty() ? "" : "  " + e.getTags()));
    }
    return 0;
  }

  private static long logSize(LocalStack stack, String topic) {
    Map<TopicPartition, Long> earliest = GroupProgress.offsets(stack.admin(), topic, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = GroupProgress.offsets(stack.admin(), topic, OffsetSpec.latest());
    return latest.entrySet().stream().mapToLong(e -> e.getValue() - earliest.get(e.getKey())).sum();
  }
}
