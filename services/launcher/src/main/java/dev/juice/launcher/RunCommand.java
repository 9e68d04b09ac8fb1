package dev.juice.launcher;

import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job. Today it runs the foundation end to end — a real broker and registry in process, the
 * ingest service, the bundled demonstrations ingested with duplicates counted once — and prints the
 * summary. Training phases are added to this command as the model and pipeline land.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the main job on an embedded Kafka broker with the bundled data set.",
        "Current scope: broker + registry + ingest; the bundled UCI positive sentences become demonstrations."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--run", defaultValue = "main", description = "Run name (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--out", defaultValue = "runs", description = "Directory for run artefacts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    Path dir = out.resolve(run);
    Files.createDirectories(dir);
    List<byte[]> demos = new ArrayList<>();
    for (Sentence s : UciSentiment.bundled()) {
      if (!s.positive()) continue;
      PromptSplit.split(s.text(), 0).ifPresent(p -> {
        ObjectNode n = Json.mapper().createObjectNode().put("prompt", p.prompt()).put("response", p.response())
            .put("source", "uci-" + s.source());
        demos.add(n.toString().getBytes(StandardCharsets.UTF_8));
      });
    }
    long t0 = System.nanoTime();
    try (LocalStack stack = LocalStack.start(null, 0, 0, run, partitions)) {
      System.out.println("Kafka " + stack.settings().bootstrapServers() + ", registry " + stack.settings().registryUrl());
      IngestCommand.Summary s = IngestCommand.ingest(stack, demos, "demonstrations", true,
          Files.createTempDirectory("juice-run-streams"), Duration.ofMinutes(5), true);
      String table = String.format("| phase | sent | accepted | duplicates | rejected |%n|---|---|---|---|---|%n"
          + "| ingest demonstrations | %d | %d | %d | %d |%n", s.sent(), s.accepted(), s.duplicates(), s.rejected());
      System.out.println();
      System.out.print(table);
      Files.writeString(dir.resolve("summary.md"), "# Run " + run + "\n\n" + table);
      System.out.printf("%ndone in %.1f s; summary in %s%n", (System.nanoTime() - t0) / 1e9, dir.resolve("summary.md"));
    }
    return 0;
  }
}
