package dev.juice.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command finds Kafka and the registry: {@code --bootstrap}/{@code JUICE_BOOTSTRAP} and
 * {@code --registry}/{@code JUICE_REGISTRY}; without them the command starts a local embedded stack
 * whose data lives in {@code --data-dir} (kept across invocations).
 */
public final class Connection {
  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (env JUICE_BOOTSTRAP). "
      + "Without it a local embedded broker is started.", defaultValue = "${env:JUICE_BOOTSTRAP}")
  String bootstrap;

  @Option(names = "--registry", description = "Schema registry URL (env JUICE_REGISTRY); required with --bootstrap.",
      defaultValue = "${env:JUICE_REGISTRY}")
  String registry;

  @Option(names = "--run", description = "Experiment namespace (env JUICE_RUN, default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:JUICE_RUN:-default}")
  String run;

  @Option(names = "--data-dir", description = "Local stack data directory (default: ${DEFAULT-VALUE}).",
      defaultValue = ".juice/local")
  Path dataDir;

  @Option(names = "--partitions", description = "Partitions of the run's worker topics (default: ${DEFAULT-VALUE}).",
      defaultValue = "4")
  int partitions;

  boolean external() {
    return bootstrap != null && !bootstrap.isBlank();
  }

  /** Connects to the given cluster or starts a local stack. */
  LocalStack open() {
    if (external()) {
      if (registry == null || registry.isBlank()) {
        throw new IllegalArgumentException("--registry (or JUICE_REGISTRY) is required with --bootstrap");
      }
      return LocalStack.external(bootstrap, registry, run, partitions);
    }
    return LocalStack.start(dataDir, 0, 0, run, partitions);
  }
}
