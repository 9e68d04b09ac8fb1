package dev.juice.launcher;

import dev.juice.ingest.IngestService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a broker, the registry and ingestion for a run, and serves them until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Serve a local Kafka broker, schema registry and ingest until Ctrl-C.",
        "The broker is a real KRaft broker in this process; the run's topics are created and the URLs printed."})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--run", defaultValue = "${env:JUICE_RUN:-default}", description = "Run whose topics to create (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--data-dir", defaultValue = ".juice/local", description = "Where the broker keeps its data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--temporary", description = "Use a temporary data dir, deleted on exit.")
  boolean temporary;

  @Option(names = "--port", defaultValue = "0", description = "Kafka client port (0 = free port, reused on restart).")
  int port;

  @Option(names = "--registry-port", defaultValue = "8081", description = "Registry HTTP port (default: ${DEFAULT-VALUE}; 0 = free).")
  int registryPort;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--no-ingest", description = "Do not run the ingest service.")
  boolean noIngest;

  @Override
  public Integer call() throws Exception {
    LocalStack stack = LocalStack.start(temporary ? null : dataDir, port, registryPort, run, partitions);
    IngestService ingest = noIngest ? null : IngestService.start(
        Services.ingestConfig(stack, dataDir.resolve("streams")), Duration.ofMinutes(2));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (ingest != null) ingest.close();
      stack.close();
      stop.countDown();
    }, "juice-up-shutdown"));
    System.out.println("Kafka bootstrap:  " + stack.settings().bootstrapServers());
    System.out.println("Schema registry:  " + stack.settings().registryUrl());
    System.out.println("Run:              " + run + (ingest != null ? " (ingest running)" : ""));
    System.out.println("Raw topics:       " + stack.topics().names().demonstrationsRaw() + ", "
        + stack.topics().names().preferencesRaw());
    System.out.println("Use from another shell, e.g.:");
    System.out.println("  export JUICE_BOOTSTRAP=" + stack.settings().bootstrapServers()
        + " JUICE_REGISTRY=" + stack.settings().registryUrl());
    System.out.println("  kcat -P -b " + stack.settings().bootstrapServers() + " -t "
        + stack.topics().names().demonstrationsRaw() + " -l my-demos.jsonl");
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
    stop.await();
    return 0;
  }
}
