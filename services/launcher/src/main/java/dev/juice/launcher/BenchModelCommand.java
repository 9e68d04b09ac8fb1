package dev.juice.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.juice.common.Json;
import dev.juice.launcher.bench.ModelBenchWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Model speed and memory: each (preset, threads) in a child JVM, side by side in one run. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Measure model speed and memory for each preset and thread count.",
        "Training tokens/s (Juice's step vs a bare DJL loop), sampling tokens/s with/without KV cache,",
        "reward sequences/s, GFLOP/s vs a plain matmul, peak RSS; optionally RSS over many steps."})
final class BenchModelCommand implements Callable<Integer> {
  @Option(names = "--presets", split = ",", defaultValue = "small,large", description = "Presets (default: ${DEFAULT-VALUE}).")
  List<String> presets;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Intra-op thread counts (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--memory-steps", defaultValue = "0",
      description = "Also train the default preset (2 threads) this many steps and print RSS every 200 (e.g. 2000).")
  int memorySteps;

  @Option(names = "--json", description = "Also write all figures to this JSON file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    ArrayNode results = Json.mapper().createArrayNode();
    System.out.println("| preset | params | threads | train tok/s | bare DJL tok/s | ratio | sample tok/s cached | uncached | cache speed-up | sample GFLOP/s | ÷ matmul | RM seq/s | train GFLOP/s | matmul GFLOP/s | ratio | peak RSS MB |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String preset : presets) {
      for (int t : threads) {
        boolean mem = memorySteps > 0 && preset.equals("small") && t == threads.get(threads.size() - 1);
        JsonNode r = runChild(preset, t, mem ? memorySteps : 0);
        results.add(r);
        System.out.printf("| %s | %,d | %d | %,.0f | %,.0f | %.2f | %,.0f | %,.0f | %.1f× | %.2f | %.3f | %,.0f | %.2f | %.1f | %.3f | %,.0f |%n",
            preset, r.get("parameters").asLong(), t, r.get("trainTokensPerSec").asDouble(), r.get("bareTokensPerSec").asDouble(),
            r.get("trainVsBare").asDouble(), r.get("sampleTokensPerSecCached").asDouble(),
            r.get("sampleTokensPerSecUncached").asDouble(), r.get("cacheSpeedup").asDouble(),
            r.get("sampleGflops").asDouble(), r.get("sampleVsMatmul").asDouble(),
            r.get("rewardSequencesPerSec").asDouble(), r.get("trainGflops").asDouble(), r.get("matmulGflops").asDouble(),
            r.get("mfuLike").asDouble(), r.get("peakRssMb").asDouble());
        if (r.has("rssMbEvery200Steps")) {
          System.out.println("  RSS MB every 200 training steps (" + preset + ", " + t + " threads): " + r.get("rssMbEvery200Steps"));
        }
      }
    }
    System.out.println("\nWeights after the same seeded training (first 16 hex digits of SHA-256):");
    for (JsonNode r : results) {
      System.out.printf("  %s, %d thread(s): %s%n", r.get("preset").asText(), r.get("threads").asInt(),
          r.get("weightsSha256AfterTraining").asText().substring(0, 16));
    }
    System.out.println("\nSampling (batch 32, at most 48 new tokens, temperature 1), cached:");
    for (JsonNode r : results) {
      System.out.printf("  %s, %d thread(s): %.1f new tokens per row on average, %,.0f row-steps/s (rows forwarded per second;"
          + " finished rows leave the batch)%n", r.get("preset").asText(), r.get("threads").asInt(),
          r.get("sampleTokensPerRow").asDouble(), r.get("sampleRowStepsPerSecCached").asDouble());
    }
    System.out.println("Sample GFLOP/s counts 2·N FLOPs per generated token; ÷ matmul is its share of the plain-matmul ceiling");
    System.out.println("measured in the same child.");
    System.out.println("Targets: KV-cache speed-up >= 3x (set before finished rows left the batch, which helps the uncached path");
    System.out.println("more); Juice's training step >= 0.95 of the bare loop.");
    if (json != null) Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
    return 0;
  }

  private static JsonNode runChild(String preset, int threads, int memorySteps) throws Exception {
    Path out = Files.createTempFile("juice-bench-model", ".json");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx4g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        ModelBenchWorker.class.getName(), preset, String.valueOf(threads), out.toString(), String.valueOf(memorySteps)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("model benchmark child (" + preset + ", " + threads + " threads) failed");
    }
    return Json.mapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
  }
}
