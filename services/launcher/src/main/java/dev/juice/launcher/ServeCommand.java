package dev.juice.launcher;

import dev.juice.ingest.IngestService;
import dev.juice.ingest.config.IngestConfig;
import dev.juice.schemaregistry.SchemaRegistryConfig;
import dev.juice.schemaregistry.SchemaRegistryMain;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.juice.common.ops.OpsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one service against an existing cluster, configured like its container: by JUICE_* / KAFKA_* variables. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run one service against an existing Kafka, as its container would.",
        "SERVICE: registry | ingest | sampler | scorer | policy-trainer | reward-trainer | evaluator.",
        "Options override the JUICE_* environment variables; the trainers read the algorithm settings from JUICE_* too."})
final class ServeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SERVICE", description = "registry, ingest, sampler, scorer, policy-trainer, reward-trainer or evaluator")
  String service;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (JUICE_BOOTSTRAP).")
  String bootstrap;

  @Option(names = "--registry", description = "Schema registry URL (JUICE_REGISTRY).")
  String registry;

  @Option(names = "--run", description = "Run name (JUICE_RUN).")
  String run;

  @Option(names = "--port", description = "Registry HTTP port (JUICE_REGISTRY_PORT).")
  Integer port;

  @Option(names = "--http-port", description = "Serve /health, /health/live and /metrics on this port "
      + "(JUICE_HTTP_PORT; 0 = any free port; default: none from the CLI, 8080 in the images).")
  Integer httpPort;

  @Option(names = "--model", paramLabel = "DIR", description = "policy-trainer: start the run from this Hugging Face GPT-2 checkpoint "
      + "directory (config.json, model.safetensors, tokenizer.json) instead of the bundled English base (JUICE_BASE).")
  java.nio.file.Path model;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (model != null) {
      if (!service.equals("policy-trainer")) {
        throw new IllegalArgumentException("--model applies to the policy-trainer (it publishes the run's base); the " + service
            + " takes its model versions from the weights topic");
      }
      env.put("JUICE_BASE", model.toAbsolutePath().toString());
    }
    if (bootstrap != null) env.put("JUICE_BOOTSTRAP", bootstrap);
    if (registry != null) env.put("JUICE_REGISTRY", registry);
    if (run != null) env.put("JUICE_RUN", run);
    if (port != null) env.put("JUICE_REGISTRY_PORT", String.valueOf(port));
    if (httpPort != null) env.put("JUICE_HTTP_PORT", String.valueOf(httpPort));
    env.putIfAbsent("JUICE_HTTP_PORT", "-1");
    switch (service) {
      case "registry" -> {
        try (SchemaRegistryMain.Running r = SchemaRegistryMain.start(SchemaRegistryConfig.fromEnv(env))) {
          System.out.println("schema registry at " + r.url());
          Thread.currentThread().join();
        }
      }
      case "ingest" -> {
        try (IngestService s = IngestService.start(IngestConfig.fromEnv(env), java.time.Duration.ofMinutes(2));
             OpsServer ops = OpsServer.fromEnv("ingest", env, s::health)) {
          System.out.println("ingest running (application id " + s.applicationId() + ")" + where(ops));
          Thread.currentThread().join();
        }
      }
      case "sampler" -> {
        var s = dev.juice.sampler.SamplerService.start(dev.juice.sampler.SamplerConfig.fromEnv(env));
        OpsServer ops = OpsServer.fromEnv("sampler", env, s::health);
        System.out.println("sampler running" + where(ops));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.await();
      }
      case "scorer" -> {
        var s = dev.juice.scorer.ScorerService.start(dev.juice.scorer.ScorerConfig.fromEnv(env));
        OpsServer ops = OpsServer.fromEnv("scorer", env, s::health);
        System.out.println("scorer running" + where(ops));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.await();
      }
      case "policy-trainer" -> {
        var t = new dev.juice.policytrainer.PolicyTrainerService(dev.juice.policytrainer.PolicyTrainerConfig.fromEnv(env),
            new ProgressBars(true), dev.juice.policytrainer.PolicyTrainerService.Listener.NONE);
        OpsServer ops = OpsServer.fromEnv("policy-trainer", env, t::health);
        System.out.println("policy-trainer running" + where(ops));
        var r = t.run();
        System.out.printf("run finished: policy v%d, sha256 %s%n", r.version(), r.sha256());
      }
      case "reward-trainer" -> {
        var t = new dev.juice.rewardtrainer.RewardTrainerService(dev.juice.rewardtrainer.RewardTrainerConfig.fromEnv(env),
            new ProgressBars(true));
        OpsServer ops = OpsServer.fromEnv("reward-trainer", env, t::health);
        System.out.println("reward-trainer running" + where(ops));
        long v = t.run(() -> true);
        System.out.printf("reward-trainer finished at reward v%d%n", v);
      }
      case "evaluator" -> {
        var s = dev.juice.evaluator.EvaluatorService.start(dev.juice.evaluator.EvaluatorConfig.fromEnv(env));
        OpsServer ops = OpsServer.fromEnv("evaluator", env, s::health);
        System.out.println("evaluator running" + where(ops));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.await(Long.MAX_VALUE, java.util.concurrent.TimeUnit.DAYS);
        s.close();
      }
      default -> throw new IllegalArgumentException("unknown service '" + service
          + "'; expected registry, ingest, sampler, scorer, policy-trainer, reward-trainer or evaluator");
    }
    return 0;
  }

  private static String where(OpsServer ops) {
    return ops == null ? "" : "; /health and /metrics on port " + ops.port();
  }
}
