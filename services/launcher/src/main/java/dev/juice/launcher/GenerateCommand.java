package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.common.Json;
import dev.juice.evaluator.Generations;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports generations of a run's policy for scoring with any outside tool. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write generations for given prompts as JSONL (prompt, response, model, version, seed).",
        "--model base|sft|policy reads that model of --run from its weights topic (or the local --data-dir), the newest "
            + "version or --version N; --model DIR samples a Hugging Face GPT-2 checkpoint directory without a broker."})
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

  @Option(names = "--model", defaultValue = "policy", description = "base, sft, policy (models of --run) or a checkpoint "
      + "directory (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--version", description = "Version of --model to sample (default: the newest).")
  Long version;

  @Override
  public Integer call() throws Exception {
    if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1");
    List<String> ps = Generations.readPrompts(prompts);
    Engines.pytorch();
    try (NDManager root = Engines.newManager()) {
      RunModels.Chosen chosen = RunModels.isName(model) ? fromRun(root) : RunModels.fromDirectory(Path.of(model), version, root);
      try (PolicyModel policy = (PolicyModel) chosen.model(); BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        Generations.sample(policy, null, ps, samples, maxNewTokens, temperature, seed, row -> {
          try {
            w.write(Json.mapper().createObjectNode().put("prompt", ps.get(row.promptIndex())).put("response", row.response())
                .put("sample", row.sample()).put("model", chosen.label()).put("version", chosen.version()).put("seed", row.seed())
                .toString());
            w.newLine();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
      System.out.printf("wrote %d generations of %s v%d to %s%n", ps.size() * samples, chosen.label(), chosen.version(), out);
    }
    return 0;
  }

  private RunModels.Chosen fromRun(NDManager root) throws Exception {
    try (LocalStack stack = connection.open()) {
      return RunModels.fromRun(stack, connection.run, model, version, root);
    }
  }
}
