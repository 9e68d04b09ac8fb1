package dev.juice.launcher;

import dev.juice.ingest.IngestService;
import dev.juice.ingest.config.IngestConfig;
import dev.juice.schemaregistry.SchemaRegistryConfig;
import dev.juice.schemaregistry.SchemaRegistryMain;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one service against an existing cluster, configured like its container: by JUICE_* / KAFKA_* variables. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run one service (registry or ingest) against an existing Kafka.",
        "SERVICE: registry | ingest. Options override the JUICE_* environment variables."})
final class ServeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SERVICE", description = "registry or ingest")
  String service;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (JUICE_BOOTSTRAP).")
  String bootstrap;

  @Option(names = "--registry", description = "Schema registry URL (JUICE_REGISTRY).")
  String registry;

  @Option(names = "--run", description = "Run name (JUICE_RUN).")
  String run;

  @Option(names = "--port", description = "Registry HTTP port (JUICE_REGISTRY_PORT).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (bootstrap != null) env.put("JUICE_BOOTSTRAP", bootstrap);
    if (registry != null) env.put("JUICE_REGISTRY", registry);
    if (run != null) env.put("JUICE_RUN", run);
    if (port != null) env.put("JUICE_REGISTRY_PORT", String.valueOf(port));
    switch (service) {
      case "registry" -> {
        try (SchemaRegistryMain.Running r = SchemaRegistryMain.start(SchemaRegistryConfig.fromEnv(env))) {
          System.out.println("schema registry at " + r.url());
          Thread.currentThread().join();
        }
      }
      case "ingest" -> {
        try (IngestService s = IngestService.start(IngestConfig.fromEnv(env), java.time.Duration.ofMinutes(2))) {
          System.out.println("ingest running (application id " + s.applicationId() + ")");
          Thread.currentThread().join();
        }
      }
      default -> throw new IllegalArgumentException("unknown service '" + service + "'; expected registry or ingest");
    }
    return 0;
  }
}
