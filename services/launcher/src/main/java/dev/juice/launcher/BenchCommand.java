package dev.juice.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks that print ratios measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark; each prints figures measured side by side in one run.",
    subcommands = {BenchIngestCommand.class, BenchModelCommand.class, BenchWeightsCommand.class,
        BenchPipelineCommand.class, BenchQualityCommand.class, BenchRewardCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
