package dev.juice.launcher;

import dev.juice.common.config.KafkaSettings;
import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import dev.juice.pipeline.WorkerSettings;
import dev.juice.policytrainer.PolicyTrainerConfig;
import dev.juice.policytrainer.PolicyTrainerService;
import dev.juice.rewardtrainer.RewardTrainerConfig;
import dev.juice.rewardtrainer.RewardTrainerService;
import dev.juice.sampler.SamplerConfig;
import dev.juice.sampler.SamplerService;
import dev.juice.scorer.ScorerConfig;
import dev.juice.scorer.ScorerService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a run's pipeline services: in this JVM (each its own consumers, producers and thread, as
 * DESIGN.md's embedded default), or as child JVMs with their {@code main} and environment — the
 * same way they run on other machines.
 */
final class Pipelines {
  private Pipelines() {}

  /** Worker services of one run started in this JVM. */
  static final class Workers implements AutoCloseable {
    final List<SamplerService> samplers = new ArrayList<>();
    final List<ScorerService> scorers = new ArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    CompletableFuture<Long> rewardTrainer = CompletableFuture.completedFuture(0L);

    @Override
    public void close() {
      running.set(false);
      samplers.forEach(SamplerService::close);
      scorers.forEach(ScorerService::close);
      try {
        rewardTrainer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // the reward trainer stops with the run; a failure was already reported by the run
      }
    }
  }

  /** Samplers, scorers (runs with a reward model) and the reward-trainer of a run, in this JVM. */
  static Workers startWorkers(KafkaSettings kafka, String run, PipelineConfig c, int samplers, int scorers,
      Progress rewardProgress) {
    Workers w = new Workers();
    try {
      for (int i = 0; i < samplers; i++) {
        w.samplers.add(SamplerService.start(new SamplerConfig(run, kafka, worker("s" + i), 64)));
      }
      if (c.algorithm().usesRewardModel()) {
        for (int i = 0; i < scorers; i++) w.scorers.add(ScorerService.start(new ScorerConfig(run, kafka, worker("c" + i))));
        RewardTrainerService rt = new RewardTrainerService(new RewardTrainerConfig(run, kafka, c, Duration.ofMinutes(30), 1, 5), rewardProgress);
        w.rewardTrainer = CompletableFuture.supplyAsync(() -> {
          try {
            return rt.run(w.running::get);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0L;
          }
        });
      }
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  private static WorkerSettings worker(String id) {
    return new WorkerSettings(id, 128, Duration.ofMinutes(30), true, Integer.parseInt(System.getenv().getOrDefault("JUICE_THREADS", "2")));
  }

  static PolicyTrainerConfig trainerConfig(KafkaSettings kafka, String run, PipelineConfig c, String preset, boolean reuseSamples) {
    return new PolicyTrainerConfig(run, kafka, c, preset, 8, 1, Duration.ofMinutes(30), reuseSamples);
  }

  /** Environment of a service started as a child process. */
  static Map<String, String> env(KafkaSettings kafka, String run, PipelineConfig c) {
    Map<String, String> env = new HashMap<>(PipelineEnv.toEnv(c));
    env.put(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers());
    env.put(KafkaSettings.REGISTRY, kafka.registryUrl());
    env.put("JUICE_RUN", run);
    env.put("JUICE_HTTP_PORT", "0"); // several services on one machine: endpoints on free ports
    return env;
  }

  /**
   * Starts {@code main} in a child JVM with this JVM's class path (or the launcher's
   * {@code target/classpath.txt} when running from a test's booter jar), output to {@code log}.
   */
  static Process spawn(Class<?> main, Map<String, String> env, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true"));
    String djlCache = System.getProperty("DJL_CACHE_DIR");
    if (djlCache != null) cmd.add("-DDJL_CACHE_DIR=" + djlCache);
    cmd.addAll(List.of("-cp", classPath(), main.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "268435456");
    pb.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "4294967295");
    pb.environment().putIfAbsent("MALLOC_TOP_PAD_", "268435456");
    return pb.start();
  }

  static String classPath() throws IOException {
    String cp = System.getProperty("java.class.path");
    boolean booter = cp.split(File.pathSeparator).length <= 2 && cp.contains("surefire");
    Path file = Path.of("target", "classpath.txt");
    if (booter && Files.exists(file)) return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Files.readString(file).trim();
    return cp;
  }

  /** Runs the policy-trainer here until the schedule ends. */
  static PolicyTrainerService.Result train(PolicyTrainerConfig config, Progress progress, PolicyTrainerService.Listener l)
      throws InterruptedException {
    return new PolicyTrainerService(config, progress, l).run();
  }
}
