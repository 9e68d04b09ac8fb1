package dev.juice.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import dev.juice.common.kafka.TopicAdmin;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.ingest.IngestService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Validated demonstrations per second end to end (raw JSON topic → ingest → Avro topic, exactly once)
 * next to a plain producer → consumer of the same records on the same broker, measured in one run.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Measure ingest throughput against a raw producer->consumer of the same records.",
        "Prints records/s for both, a transactional raw path, the ratios (targets >= 0.5 of raw, >= 0.8 of",
        "transactional raw) and where the ingest stream thread's time goes."})
final class BenchIngestCommand implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "30000", description = "Records per measurement (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--warmup", defaultValue = "3000", description = "Records per warm-up round (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds of each path, alternating (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--stream-threads", defaultValue = "1", description = "Ingest stream threads (default: ${DEFAULT-VALUE}).")
  int streamThreads;

  @Option(names = "--commit-interval", defaultValue = "100ms", converter = DurationConverter.class,
      description = "Ingest transaction commit interval (default: ${DEFAULT-VALUE}).")
  Duration commitInterval;

  @Option(names = "--guarantee", defaultValue = "exactly_once_v2",
      description = "Ingest processing guarantee: exactly_once_v2 (as deployed) or at_least_once (default: ${DEFAULT-VALUE}).")
  String guarantee;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  private int serial;

  @Override
  public Integer call() throws Exception {
    List<Sentence> sentences = UciSentiment.bundledUnique();
    try (LocalStack stack = LocalStack.start(null, 0, 0, "bench", partitions)) {
      String baselineTopic = "juice.bench.baseline";
      TopicAdmin.ensure(stack.admin(), List.of(new TopicAdmin.TopicSpec(baselineTopic, partitions, Map.of())));
      Path state = Files.createTempDirectory("juice-bench-streams");
      var base = Services.ingestConfig(stack, state);
      var kafka = base.kafka().withOverrides(Map.of("processing.guarantee", guarantee));
      var cfg = new dev.juice.ingest.config.IngestConfig(base.run(), kafka, base.stateDir(), streamThreads,
          commitInterval, base.limits());
      try (IngestService ingest = IngestService.start(cfg, Duration.ofMinutes(2))) {
        String raw = stack.topics().names().demonstrationsRaw();
        String out = stack.topics().names().demonstrations();
        System.out.printf("warm-up: %d records per path%n", warmup);
        measure(stack, baselineTopic, baselineTopic, batch(sentences, warmup), null);
        measure(stack, baselineTopic, baselineTopic, batch(sentences, warmup), commitInterval);
        measure(stack, raw, out, batch(sentences, warmup), null);
        double rawBest = 0;
        double ingestBest = 0;
        double rawSum = 0;
        double txnSum = 0;
        double ingestSum = 0;
        TimeSplit split = new TimeSplit();
        for (int r = 1; r <= rounds; r++) {
          double a = measure(stack, baselineTopic, baselineTopic, batch(sentences, records), null);
          double t = measure(stack, baselineTopic, baselineTopic, batch(sentences, records), commitInterval);
          TimeSplit.Snapshot before = split.snapshot(ingest);
          double b = measure(stack, raw, out, batch(sentences, records), null);
          split.add(before, split.snapshot(ingest));
          System.out.printf("round %d: raw producer->consumer %,.0f records/s, transactional raw %,.0f, ingest %,.0f validated "
              + "demonstrations/s; ingest ÷ raw %.2f, ÷ transactional raw %.2f%n", r, a, t, b, b / a, b / t);
          rawBest = Math.max(rawBest, a);
          ingestBest = Math.max(ingestBest, b);
          rawSum += a;
          txnSum += t;
          ingestSum += b;
        }
        ingest.close();
        // backfill: records already in the raw topic, ingest started afterwards (time from RUNNING)
        List<byte[]> backlog = batch(sentences, records);
        Map<String, Object> pp = stack.clientProps();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
          for (byte[] r : backlog) p.send(new ProducerRecord<>(raw, r));
          p.flush();
        }
        long b0 = System.nanoTime();
        double backfill;
        try (IngestService again = IngestService.start(cfg, Duration.ofMinutes(2))) {
          long started = System.nanoTime();
          String group = stack.topics().names().groupId("ingest");
          while (dev.juice.common.kafka.GroupProgress.lag(stack.admin(), group, List.of(raw)) > 0) Thread.sleep(50);
          backfill = backlog.size() / ((System.nanoTime() - started) / 1e9);
          System.out.printf("backfill: %,d preloaded records ingested at %,.0f records/s (start-up %.1f s not counted)%n",
              backlog.size(), backfill, (started - b0) / 1e9);
        }
        double ratio = (ingestSum / rounds) / (rawSum / rounds);
        System.out.printf("%nrecords per round: %,d (avg %d bytes), partitions: %d, ingest stream threads: %d, "
            + "processing: %s, commit interval: %d ms%n",
            records, avgBytes(batch(sentences, 1000)), partitions, streamThreads, guarantee, commitInterval.toMillis());
        System.out.printf("raw producer->consumer: mean %,.0f records/s (best %,.0f)%n", rawSum / rounds, rawBest);
        System.out.printf("ingest (validate+dedupe+Avro): mean %,.0f records/s (best %,.0f)%n", ingestSum / rounds, ingestBest);
        System.out.printf("transactional raw (a transaction every %d ms, read_committed consumer): mean %,.0f records/s%n",
            commitInterval.toMillis(), txnSum / rounds);
        System.out.printf("ratio ingest/raw (means): %.2f  (target >= 0.5); ingest/transactional raw: %.2f  (target >= 0.8)%n",
            ratio, ingestSum / txnSum);
        System.out.print(split.report());
        if (json != null) {
          ObjectNode n = Json.mapper().createObjectNode().put("benchmark", "ingest").put("records", records)
              .put("rounds", rounds).put("partitions", partitions).put("streamThreads", streamThreads)
              .put("commitIntervalMs", commitInterval.toMillis()).put("guarantee", guarantee)
              .put("rawRecordsPerSec", rawSum / rounds).put("ingestRecordsPerSec", ingestSum / rounds)
              .put("backfillRecordsPerSec", backfill).put("ratio", ratio).put("target", 0.5)
              .put("transactionalRawRecordsPerSec", txnSum / rounds).put("ratioToTransactional", ingestSum / txnSum)
              .put("targetToTransactional", 0.8);
          split.json(n.putObject("streamThreadTime"));
          Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n));
        }
      }
    }
    return 0;
  }

  /**
   * Where the ingest stream threads' wall time went over the measured rounds: on CPU (the JVM's
   * per-thread CPU time), waiting on Kafka (Streams' {@code blocked-time-ns-total}: polls that found
   * no record yet, the producer's sends and flushes, transaction calls), and within that the
   * producers' transaction commits and offset sends; plus commits made, their average latency and
   * records per commit.
   */
  static final class TimeSplit {
    record Snapshot(long wallNanos, long cpuNanos, double blocked, double txnCommit, double txnOffsets, double flush,
        double commits, double processed, double commitLatencyMs) {}

    private long wall;
    private long cpu;
    private double blocked;
    private double txnCommit;
    private double txnOffsets;
    private double flush;
    private double commits;
    private double processed;
    private int threads;

    Snapshot snapshot(IngestService ingest) {
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpuNow = 0;
      int n = 0;
      for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
        // the stream threads themselves ("<client id>-StreamThread-<n>"), not their clients' network threads
        if (t != null && t.getThreadName().contains(ingest.applicationId()) && t.getThreadName().matches(".*-StreamThread-\\d+$")) {
          long c = mx.getThreadCpuTime(t.getThreadId());
          if (c > 0) {
            cpuNow += c;
            n++;
          }
        }
      }
      threads = Math.max(threads, n);
      return new Snapshot(System.nanoTime(), cpuNow, sum(ingest, "stream-thread-metrics", "blocked-time-ns-total"),
          sum(ingest, "producer-metrics", "txn-commit-time-ns-total"), sum(ingest, "producer-metrics", "txn-send-offsets-time-ns-total"),
          sum(ingest, "producer-metrics", "flush-time-ns-total"), sum(ingest, "stream-thread-metrics", "commit-total"),
          sum(ingest, "stream-thread-metrics", "process-total"), sum(ingest, "stream-thread-metrics", "commit-latency-avg"));
    }

    private static double sum(IngestService ingest, String group, String name) {
      double s = 0;
      for (var e : ingest.metrics().entrySet()) {
        if (e.getKey().group().equals(group) && e.getKey().name().equals(name) && e.getValue().metricValue() instanceof Number x) {
          s += x.doubleValue();
        }
      }
      return s;
    }

    void add(Snapshot a, Snapshot b) {
      wall += b.wallNanos() - a.wallNanos();
      cpu += b.cpuNanos() - a.cpuNanos();
      blocked += b.blocked() - a.blocked();
      txnCommit += b.txnCommit() - a.txnCommit();
      txnOffsets += b.txnOffsets() - a.txnOffsets();
      flush += b.flush() - a.flush();
      commits += b.commits() - a.commits();
      processed += b.processed() - a.processed();
      commitLatencies.add(b.commitLatencyMs());
    }

    private final List<Double> commitLatencies = new ArrayList<>();

    /** Streams' windowed average commit latency (ms) read after each measured round, averaged over rounds. */
    private double commitLatencyMs() {
      return commitLatencies.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private double share(double nanos) {
      return wall == 0 || threads == 0 ? Double.NaN : nanos / ((double) wall * threads);
    }

    String report() {
      return String.format(java.util.Locale.ROOT, "ingest stream thread%s over the measured rounds (%.1f s): on CPU %.0f %%, "
          + "waiting on Kafka %.0f %% (Streams' blocked time: polls that found nothing yet, sends, transactions; of it "
          + "transaction commits %.0f %%, offset sends %.0f %%, flushes %.0f %%), the rest in Streams' own bookkeeping; %,.0f commits (average commit latency %.1f ms), %,.0f records processed per commit (both "
          + "sub-topologies)%n",
          threads == 1 ? "" : "s (" + threads + ")", wall / 1e9, 100 * share(cpu), 100 * share(blocked), 100 * share(txnCommit),
          100 * share(txnOffsets), 100 * share(flush), commits, commitLatencyMs(), commits == 0 ? Double.NaN : processed / commits);
    }

    void json(ObjectNode o) {
      o.put("seconds", wall / 1e9).put("threads", threads).put("onCpu", share(cpu)).put("blocked", share(blocked))
          .put("transactionCommits", share(txnCommit)).put("offsetSends", share(txnOffsets)).put("flushes", share(flush))
          .put("commits", commits).put("commitLatencyMs", commitLatencyMs()).put("recordsPerCommit", commits == 0 ? Double.NaN : processed / commits);
    }
  }

  /** Unique demonstration JSON records (no dedupe hits), built from the bundled sentences. */
  private List<byte[]> batch(List<Sentence> sentences, int n) {
    List<byte[]> out = new ArrayList<>(n);
    int i = 0;
    while (out.size() < n) {
      Sentence s = sentences.get(i++ % sentences.size());
      var p = PromptSplit.split(s.text(), 0);
      if (p.isEmpty()) continue;
      int id = serial++;
      out.add(Json.mapper().createObjectNode().put("id", "b-" + id).put("prompt", p.get().prompt())
          .put("response", p.get().response() + " #" + id).put("source", "bench").toString()
          .getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static int avgBytes(List<byte[]> b) {
    return (int) b.stream().mapToInt(x -> x.length).average().orElse(0);
  }

  /**
   * Records/s from the first send until the last expected record is readable (read_committed) on
   * outTopic. With {@code txnEvery} the producer is transactional and commits a transaction whenever
   * that long has passed since the last one began (as a Streams task commits), and once at the end.
   */
  private static double measure(LocalStack stack, String inTopic, String outTopic, List<byte[]> batch, Duration txnEvery)
      throws Exception {
    Map<String, Object> cp = stack.clientProps();
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> pp = stack.clientProps();
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    CountDownLatch assigned = new CountDownLatch(1);
    long[] lastSeenNanos = new long[1];
    CompletableFuture<Long> consumed = CompletableFuture.supplyAsync(() -> {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> tps = new ArrayList<>();
        c.partitionsFor(outTopic).forEach(pi -> tps.add(new TopicPartition(outTopic, pi.partition())));
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position);
        assigned.countDown();
        long n = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (n < batch.size() && System.nanoTime() < deadline) {
          n += c.poll(Duration.ofMillis(20)).count();
        }
        lastSeenNanos[0] = System.nanoTime();
        return n;
      }
    });
    assigned.await();
    long t0 = System.nanoTime();
    if (txnEvery != null) pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "juice-bench-raw-txn-" + java.util.UUID.randomUUID());
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      if (txnEvery == null) {
        for (byte[] r : batch) p.send(new ProducerRecord<>(inTopic, r));
        p.flush();
      } else {
        p.initTransactions();
        p.beginTransaction();
        long began = System.nanoTime();
        for (byte[] r : batch) {
          p.send(new ProducerRecord<>(inTopic, r));
          if (System.nanoTime() - began >= txnEvery.toNanos()) {
            p.commitTransaction();
            p.beginTransaction();
            began = System.nanoTime();
          }
        }
        p.commitTransaction();
      }
    }
    long n = consumed.get(6, TimeUnit.MINUTES);
    if (n < batch.size()) throw new IllegalStateException("only " + n + " of " + batch.size() + " records arrived on " + outTopic);
    return batch.size() / ((lastSeenNanos[0] - t0) / 1e9);
  }
}
