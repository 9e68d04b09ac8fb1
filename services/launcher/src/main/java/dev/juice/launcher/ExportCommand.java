package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.model.Engines;
import dev.juice.model.hf.HfCheckpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes any model version of a run as a Hugging Face GPT-2 checkpoint directory. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export a model of a run as a Hugging Face GPT-2 checkpoint: config.json, tokenizer.json, model.safetensors "
        + "(GPT2LMHeadModel for base/sft/policy, GPT2ForSequenceClassification for reward).",
        "Reads the run's weights topic (or the local --data-dir)."})
final class ExportCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Option(names = "--model", defaultValue = "policy", description = "base, sft, policy or reward (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--version", description = "Version to export (default: the newest).")
  Long version;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!RunModels.isName(model)) throw new IllegalArgumentException("--model must be one of " + RunModels.TOPIC_NAMES.keySet());
    Engines.pytorch();
    try (NDManager root = Engines.newManager(); LocalStack stack = connection.open()) {
      RunModels.Chosen c = RunModels.fromRun(stack, connection.run, model, version, root);
      try (var m = c.model()) {
        HfCheckpoint.save(m, out);
        System.out.printf("exported %s v%d (%,d parameters) to %s%n", c.label(), c.version(), m.parameterCount(), out);
      }
    }
    return 0;
  }
}
