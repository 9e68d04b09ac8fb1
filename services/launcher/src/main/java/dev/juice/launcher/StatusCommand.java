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
        "Log sizes, consumer lag of every service group, phase, staleness, the newest weight version of each model and the latest value of each metric;",
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
      System.out.println("\nconsumer lag (offsets not yet consumed and committed, per group; a transaction's closing marker");
      System.out.println("counts 1 per partition, so a caught-up group on a transactional topic shows up to its partition count):");
      Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
      groups.put("ingest", List.of(names.demonstrationsRaw(), names.preferencesRaw()));
      groups.put("sampler", List.of(names.rollouts()));
      groups.put("scorer", List.of(names.samples()));
      groups.put("reward-trainer", List.of(names.samples()));
      groups.put("policy-trainer", List.of(names.samples(), names.scored()));
      groups.forEach((service, topics) -> {
        String group = names.groupId(service);
        var lag = GroupProgress.lagIfCommitted(stack.admin(), group, topics);
        if (lag.isPresent()) System.out.printf("  %-16s %-36s %,d%n", service, group, lag.getAsLong());
        else System.out.printf("  %-16s %-36s — (no committed offsets: not used by this run yet)%n", service, group);
      });

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
      MetricEvent staleness = latest.get("sampler sampler.staleness");
      if (staleness != null) {
        System.out.printf("%nsampler staleness (versions the generating policy was ahead of the one requested): %.0f%n",
            staleness.getValue());
      }
      ModelManifest policy = newest.get("policy");
      if (policy != null) {
        double round = policy.getMetrics().getOrDefault("round", -1.0);
        System.out.printf("phase: %s%s, policy v%d%s%n", policy.getAlgorithm(),
            round < 0 ? "" : " round " + ((long) round + 1), policy.getVersion(),
            policy.getMetrics().getOrDefault("final", 0.0) >= 1 ? " (finished)" : "");
      }
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
