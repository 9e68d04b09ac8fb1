package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.model.CharTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.Sampler;
import dev.juice.model.WeightsCodec;
import dev.juice.model.pipeline.RolloutSampler;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    List<String> ps = new ArrayList<>();
    int line = 0;
    for (String l : Files.readAllLines(prompts, StandardCharsets.UTF_8)) {
      line++;
      if (l.isBlank()) continue;
      JsonNode n;
      try {
        n = Json.mapper().readTree(l);
      } catch (Exception e) {
        throw new IllegalArgumentException(prompts + " line " + line + ": not JSON");
      }
      if (!n.path("prompt").isTextual() || n.get("prompt").asText().isBlank()) {
        throw new IllegalArgumentException(prompts + " line " + line + ": expected {\"prompt\": \"...\"}");
      }
      ps.add(n.get("prompt").asText());
    }
    try (LocalStack stack = connection.open()) {
      var snap = WeightSnapshot.read(stack.clientProps(), new RestSchemaRegistryClient(stack.settings().registryUrl()),
          stack.topics().names().weights(), Duration.ofMinutes(1));
      var policyVersion = snap.latest("policy").orElseThrow(() ->
          new IllegalArgumentException("run '" + connection.run + "' has no policy version"));
      Engines.pytorch();
      try (NDManager root = Engines.newManager();
           PolicyModel policy = WeightsCodec.decodePolicy(policyVersion.blob(), root);
           BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        CharTokenizer tok = policy.tokenizer();
        int ctx = policy.config().contextLength();
        int rows = ps.size() * samples;
        for (int from = 0; from < rows; from += RolloutSampler.BATCH_ROWS) {
          int to = Math.min(rows, from + RolloutSampler.BATCH_ROWS);
          int[][] prompt = new int[to - from][];
          long[] seeds = new long[to - from];
          for (int r = from; r < to; r++) {
            prompt[r - from] = RolloutSampler.promptTokens(tok, ps.get(r / samples), ctx);
            seeds[r - from] = seed * 1_000_003L + r;
          }
          Sampler.Generation g = Sampler.generate(policy, prompt, seeds,
              new Sampler.Options(RolloutSampler.maxNewTokens(ctx, maxNewTokens), temperature, 0, true));
          for (int r = from; r < to; r++) {
            int[] resp = g.responses()[r - from];
            int n = resp.length > 0 && resp[resp.length - 1] == CharTokenizer.EOS ? resp.length - 1 : resp.length;
            w.write(Json.mapper().createObjectNode().put("prompt", ps.get(r / samples))
                .put("response", tok.decode(Arrays.copyOf(resp, n))).put("sample", r % samples)
                .put("policyVersion", policyVersion.version()).put("seed", seeds[r - from]).toString());
            w.newLine();
          }
        }
      }
      System.out.printf("wrote %d generations of run '%s' policy v%d to %s%n", rows(ps.size()), connection.run,
          policyVersion.version(), out);
    }
    return 0;
  }

  private int rows(int prompts) {
    return prompts * samples;
  }
}
