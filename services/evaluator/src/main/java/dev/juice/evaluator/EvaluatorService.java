package dev.juice.evaluator;

import ai.djl.ndarray.NDManager;
import dev.juice.avro.ModelManifest;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.Topics;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.common.weights.WeightSubscriber;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator: one per run. Follows the run's weights; evaluates the SFT model (the run's
 * {@code reference}) once, then every new policy version against the gold reward on held-out
 * prompts, publishes {@code eval.*} metric events naming the version, and keeps a Markdown summary
 * with a plot of gold reward per version. Evaluation runs on its own thread, so a slow evaluation
 * never holds up the weights consumer; versions that arrive meanwhile are evaluated in order.
 */
public final class EvaluatorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);

  private record Version(ModelManifest manifest, byte[] blob) {}

  /** One evaluated version. */
  public record Row(long version, String algorithm, Evaluation.Result result) {}

  private final EvaluatorConfig config;
  private final List<String> prompts;
  private final Evaluation evaluation;
  private final LinkedBlockingQueue<Version> queue = new LinkedBlockingQueue<>();
  private final AtomicReference<Version> reference = new AtomicReference<>();
  private final List<Row> rows = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch done = new CountDownLatch(1);
  private final WeightSubscriber subscriber;
  private final MetricsPublisher metrics;
  private final Thread thread;

  private EvaluatorService(EvaluatorConfig config) {
    this.config = config;
    this.prompts = prompts(config);
    this.evaluation = new Evaluation(config.gold() ? new GoldReward() : null, WordList.bundled());
    Topics topics = Topics.forRun(config.run());
    SchemaRegistryClient registry = new RestSchemaRegistryClient(config.kafka().registryUrl());
    Map<String, Object> props = config.kafka().clientProps();
    this.metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "evaluator", "");
    this.subscriber = new WeightSubscriber(props, registry, topics.weights(), m -> m.equals("policy") || m.equals("reference"),
        (m, blob) -> {
          if (m.getModel().equals("reference")) reference.set(new Version(m, blob));
          else queue.add(new Version(m, blob));
        });
    this.thread = new Thread(this::loop, "evaluator-" + config.run());
  }

  public static EvaluatorService start(EvaluatorConfig config) {
    Engines.pytorch();
    EvaluatorService s = new EvaluatorService(config);
    s.thread.start();
    log.info("evaluator started for run '{}' ({} prompts × {} samples)", config.run(), s.prompts.size(), config.samplesPerPrompt());
    return s;
  }

  private void loop() {
    try (NDManager root = Engines.newManager()) {
      double[] sftGold = null;
      long sftVersion = -1;
      PolicyModel ref = null;
      while (running.get()) {
        Version v = queue.poll(200, TimeUnit.MILLISECONDS);
        if (v == null) continue;
        Version r;
        while ((r = reference.get()) == null && running.get()) Thread.sleep(50); // published with policy v1
        if (r == null) break;
        if (r.manifest().getVersion() != sftVersion) {
          if (ref != null) ref.close();
          ref = WeightsCodec.decodePolicy(r.blob(), root);
          Evaluation.Result sft = evaluation.evaluate(ref, ref, prompts, config.samplesPerPrompt(), 80, config.seed(), null);
          sftGold = sft.perPromptGold();
          sftVersion = r.manifest().getVersion();
        }
        try (PolicyModel policy = WeightsCodec.decodePolicy(v.blob(), root)) {
          long t0 = System.nanoTime();
          Evaluation.Result e = evaluation.evaluate(policy, ref, prompts, config.samplesPerPrompt(), 80, config.seed(), sftGold);
          long version = v.manifest().getVersion();
          Map<String, String> tags = Map.of("algorithm", v.manifest().getAlgorithm());
          if (config.gold()) {
            metrics.publish("eval.gold_reward", e.goldReward(), version, version, tags);
            metrics.publish("eval.share_positive", e.sharePositive(), version, version, tags);
            metrics.publish("eval.win_rate_vs_sft", e.winRateVsSft(), version, version, tags);
          }
          metrics.publish("eval.kl", e.kl(), version, version, tags);
          metrics.publish("eval.distinct2", e.distinct2(), version, version, tags);
          metrics.publish("eval.real_word_share", e.realWordShare(), version, version, tags);
          synchronized (rows) {
            rows.add(new Row(version, v.manifest().getAlgorithm(), e));
          }
          report();
          log.info("run '{}' policy v{}: gold {} win {} KL {} ({} s)", config.run(), version, orDash("%.3f", e.goldReward()),
              orDash("%.2f", e.winRateVsSft()), String.format("%.2f", e.kl()), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
          if (config.exitWhenDone() && v.manifest().getMetrics().getOrDefault("final", 0.0) >= 1) break;
        }
      }
      if (ref != null) ref.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("evaluator for run '{}' stopped", config.run(), e);
    } finally {
      done.countDown();
    }
  }

  private void report() {
    try {
      Files.createDirectories(config.report());
      StringBuilder md = new StringBuilder("# Evaluation of run " + config.run() + "\n\n" + prompts.size()
          + " held-out prompts × " + config.samplesPerPrompt() + " samples, gold = "
          + (config.gold() ? "VADER compound" : "none (--gold none: no gold-reward columns)") + ".\n\n"
          + "| policy version | algorithm | gold reward | share positive | win rate vs SFT | KL to SFT | distinct-2 | real-word share |\n"
          + "|---|---|---|---|---|---|---|---|\n");
      Map<String, double[]> series = new LinkedHashMap<>();
      synchronized (rows) {
        double[] gold = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
          Row r = rows.get(i);
          Evaluation.Result e = r.result();
          md.append(String.format("| v%d | %s | %s | %s | %s | %.2f | %.3f | %.3f |%n", r.version(), r.algorithm(),
              orDash("%+.3f", e.goldReward()), orDash("%.3f", e.sharePositive()), orDash("%.2f", e.winRateVsSft()), e.kl(), e.distinct2(),
              e.realWordShare()));
          gold[i] = e.goldReward();
        }
        series.put("gold reward", gold);
      }
      if (config.gold()) {
        md.append("\n![gold reward per version](gold-per-version.png)\n");
        Plots.lines(config.report().resolve("gold-per-version.png"), "Gold reward per policy version", "version (1 = SFT)",
            "gold reward", series);
      }
      Files.writeString(config.report().resolve("summary.md"), md);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A figure formatted, or "—" when it is not a number (e.g. gold metrics under --gold none). */
  public static String orDash(String f, double v) {
    return Double.isNaN(v) ? "—" : String.format(f, v);
  }

  /** Live while its loop runs; ready once it follows the weights topic; details: versions evaluated. */
  public dev.juice.common.ops.OpsServer.Health health() {
    boolean live = done.getCount() > 0;
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("evaluated", rows().size());
    d.put("lastVersion", rows().isEmpty() ? -1 : rows().get(rows().size() - 1).version());
    d.put("prompts", prompts.size());
    return new dev.juice.common.ops.OpsServer.Health(live, live, d);
  }

  /** Versions evaluated so far. */
  public List<Row> rows() {
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  static List<String> prompts(EvaluatorConfig c) {
    List<String> out = new ArrayList<>();
    if (c.prompts() != null) {
      out.addAll(Generations.readPrompts(c.prompts()));
    } else {
      out.addAll(Benchmark.heldOutPrompts(Benchmark.split(UciSentiment.bundledUnique(), c.seed()).heldOut(), c.seed()));
    }
    return out.subList(0, Math.min(c.maxPrompts(), out.size()));
  }

  @Override
  public void close() {
    running.set(false);
    try {
      done.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    subscriber.close();
    metrics.close();
  }

  public static void main(String[] args) throws InterruptedException {
    EvaluatorConfig config = EvaluatorConfig.fromEnv(System.getenv());
    dev.juice.common.ops.OpsServer.install();
    EvaluatorService s = start(config);
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("evaluator", System.getenv(), s::health);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "evaluator-shutdown"));
    s.await(Long.MAX_VALUE, TimeUnit.DAYS);
    s.close();
    if (ops != null) ops.close();
  }
}
