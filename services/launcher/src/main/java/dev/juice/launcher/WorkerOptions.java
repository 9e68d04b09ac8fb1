package dev.juice.launcher;

import picocli.CommandLine.Option;

/** How many sampler and scorer replicas a command starts in its own process. */
final class WorkerOptions {
  @Option(names = "--samplers", defaultValue = "1", description = "Sampler replicas in this process (default: ${DEFAULT-VALUE}).")
  int samplers;

  @Option(names = "--scorers", defaultValue = "1", description = "Scorer replicas in this process, RFT only (default: ${DEFAULT-VALUE}).")
  int scorers;
}
