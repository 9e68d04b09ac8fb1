package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.evaluator.Generations;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports generations of a run's policy for scoring with any outside tool. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a run's policy generations for given prompts as JSONL (prompt, response, policy version, seed).",
        "Reads the newest policy version of --run from its weights topic (or the local --data-dir)."})
final class GenerateCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Option(names = "--prompts", required = true, description = "JSONL file, one {\"prompt\": \"...\"} per line.")
  Path prompts;

  @Option(names = "--samples", defaultValue = "1", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--out", required = true, description = "Output JSONL file.")
  Path out;

  @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--max-new-tokens", defaultValue = "80", description = "Generation length limit (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Override
  public Integer call() throws Exception {
    if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1");
    List<String> ps = Generations.readPrompts(prompts);
    try (LocalStack stack = connection.open()) {
      var snap = WeightSnapshot.read(stack.clientProps(), new RestSchemaRegistryClient(stack.settings().registryUrl()),
          stack.topics().names().weights(), Duration.ofMinutes(1));
      var policyVersion = snap.latest("policy").orElseThrow(() ->
          new IllegalArgumentException("run '" + connection.run + "' has no policy version"));
      Engines.pytorch();
      try (NDManager root = Engines.newManager();
           PolicyModel policy = WeightsCodec.decodePolicy(policyVersion.blob(), root);
           BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        Generations.sample(policy, null, ps, samples, maxNewTokens, temperature, seed, row -> {
          try {
            w.write(Json.mapper().createObjectNode().put("prompt", ps.get(row.promptIndex())).put("response", row.response())
                .put("sample", row.sample()).put("policyVersion", policyVersion.version()).put("seed", row.seed()).toString());
            w.newLine();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
      System.out.printf("wrote %d generations of run '%s' policy v%d to %s%n", ps.size() * samples, connection.run,
          policyVersion.version(), out);
    }
    return 0;
  }
}
