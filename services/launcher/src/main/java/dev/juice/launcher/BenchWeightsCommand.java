package dev.juice.launcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSubscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Publish → every consumer switched, for several model sizes, on the embedded broker. */
@Command(name = "weights", mixinStandardHelpOptions = true,
    description = {"Measure weight-version switch latency (p50/p99) per model size.",
        "From publish (chunks + manifest, one transaction) until every consumer verified the sha256 and switched."})
final class BenchWeightsCommand implements Callable<Integer> {
  @Option(names = "--sizes-mb", split = ",", defaultValue = "1,4,20", description = "Model sizes in MB (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--versions", defaultValue = "30", description = "Versions published per size (default: ${DEFAULT-VALUE}).")
  int versions;

  @Option(names = "--consumers", defaultValue = "2", description = "Subscribers (default: ${DEFAULT-VALUE}).")
  int consumers;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    ArrayNode out = Json.mapper().createArrayNode();
    System.out.printf("| model size | versions | consumers | p50 ms | p99 ms | max ms |%n|---|---|---|---|---|---|%n");
    try (LocalStack stack = LocalStack.start(null, 0, 0, "benchweights", 1)) {
      String topic = stack.topics().names().weights();
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      for (int mb : sizes) {
        String model = "m" + mb;
        Map<Long, long[]> switched = new ConcurrentHashMap<>();
        List<WeightSubscriber> subs = new ArrayList<>();
        try (WeightPublisher pub = new WeightPublisher(stack.clientProps(), registry, topic, "benchweights", "bench-" + model)) {
          for (int c = 0; c < consumers; c++) {
            int idx = c;
            subs.add(new WeightSubscriber(stack.clientProps(), registry, topic, model::equals,
                (m, blob) -> switched.computeIfAbsent(m.getVersion(), k -> new long[consumers])[idx] = System.nanoTime()));
          }
          byte[] blob = new byte[mb * 1_000_000];
          Random rnd = new Random(mb);
          double[] latencies = new double[versions];
          int warm = 3;
          for (int v = 1; v <= versions + warm; v++) {
            rnd.nextBytes(blob);
            long t0 = System.nanoTime();
            pub.publish(new WeightPublisher.Version(model, ModelKind.POLICY, v, null, v, "bench", Map.of()), blob);
            for (WeightSubscriber s : subs) {
              if (!s.await(model, v, Duration.ofSeconds(60))) throw new IllegalStateException("a consumer did not switch to v" + v);
            }
            long last = Arrays.stream(switched.get((long) v)).max().orElseThrow();
            if (v > warm) latencies[v - warm - 1] = (last - t0) / 1e6;
          }
          Arrays.sort(latencies);
          double p50 = latencies[(int) Math.floor(0.50 * (versions - 1))];
          double p99 = latencies[(int) Math.ceil(0.99 * (versions - 1))];
          System.out.printf("| %d MB | %d | %d | %.0f | %.0f | %.0f |%n", mb, versions, consumers, p50, p99, latencies[versions - 1]);
          out.addObject().put("sizeMb", mb).put("versions", versions).put("consumers", consumers)
              .put("p50Ms", p50).put("p99Ms", p99).put("maxMs", latencies[versions - 1]);
        } finally {
          subs.forEach(WeightSubscriber::close);
        }
      }
    }
    System.out.println("\nLatency = publish call (chunking, transaction, commit) until the last consumer verified the sha256 and switched.");
    System.out.println("Target: p99 <= 250 ms for 4 MB on loopback.");
    if (json != null) Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    return 0;
  }
}
