package dev.juice.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import dev.juice.common.kafka.DeadLetterHeaders;
import dev.juice.common.kafka.GroupProgress;
import dev.juice.common.kafka.TopicReader;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.ingest.IngestService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends a file of demonstrations or preference pairs to a run's raw topic and reports what ingest made of it. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Send demonstrations or preference pairs to a run and report what ingest did.",
        "Waits for the ingest service, then prints sent / accepted / duplicates / rejected (with reasons), read back from the topics.",
        "Formats: JSON lines (one object per line, see README), or the UCI labelled-sentences format",
        "(a JSON array of {text, class}), which becomes demonstrations prompt = first 2-4 words, response = rest."})
final class IngestCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "JSON lines or UCI JSON file.")
  Path file;

  @Option(names = "--bundled", description = "Ingest the bundled UCI sentences instead of a file.")
  boolean bundled;

  @Option(names = "--kind", defaultValue = "demonstrations", description = "demonstrations or preferences (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--format", defaultValue = "auto", description = "auto, jsonl or uci (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--include-negative", description = "UCI format: also send the human-negative sentences.")
  boolean includeNegative;

  @Option(names = "--no-service", description = "Do not run ingest in this process (one already runs against the cluster).")
  boolean noService;

  @Option(names = "--timeout", defaultValue = "5m", description = "How long to wait for ingest to process everything (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration timeout;

  /** What one ingestion did. */
  record Summary(long sent, long accepted, long rejected, Map<String, Long> reasons) {
    long duplicates() {
      return sent - accepted - rejected;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!kind.equals("demonstrations") && !kind.equals("preferences")) {
      throw new IllegalArgumentException("--kind must be demonstrations or preferences, not '" + kind + "'");
    }
    if ((file == null) == !bundled) throw new IllegalArgumentException("give a FILE or --bundled (exactly one)");
    List<byte[]> records = load();
    try (LocalStack stack = connection.open()) {
      Summary s = ingest(stack, records, kind, !noService, connection.dataDir.resolve("streams"), timeout, true);
      System.out.printf("%nrun '%s', %s: sent %d, accepted %d, duplicates %d, rejected %d%n",
          stack.topics().names().run(), kind, s.sent(), s.accepted(), s.duplicates(), s.rejected());
      s.reasons().forEach((reason, n) -> System.out.printf("  rejected %-20s %d%n", reason, n));
      System.out.println("accepted records: " + (kind.equals("demonstrations")
          ? stack.topics().names().demonstrations() : stack.topics().names().preferences())
          + "; rejected ones with their reasons: " + stack.topics().names().deadLetters());
      return 0;
    }
  }

  private List<byte[]> load() throws IOException {
    if (bundled) return fromUci(UciSentiment.bundled());
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(64);
    }
    boolean uci = format.equals("uci") || (format.equals("auto") && UciSentiment.looksLikeUci(head));
    if (uci) {
      if (kind.equals("preferences")) {
        throw new IllegalArgumentException("the UCI format holds single sentences, not preference pairs");
      }
      return fromUci(UciSentiment.read(file));
    }
    if (!format.equals("auto") && !format.equals("jsonl")) {
      throw new IllegalArgumentException("--format must be auto, jsonl or uci, not '" + format + "'");
    }
    return jsonLines(file);
  }

  /** The non-blank lines of a JSONL file as they are, byte for byte: validation is the ingest service's job. */
  static List<byte[]> jsonLines(Path file) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) out.add(line.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  /** A benchmark preference pair as the raw JSON a client would send (label only when it is in the seed share). */
  static byte[] preferenceJson(dev.juice.datasets.Benchmark.Pair q) {
    ObjectNode n = Json.mapper().createObjectNode().put("id", q.id()).put("prompt", q.prompt()).put("response_a", q.a())
        .put("response_b", q.b()).put("source", "uci-pairs");
    n.put(q.labelled() ? "label" : "hidden_label", q.aPreferred() ? "a" : "b");
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private List<byte[]> fromUci(List<Sentence> sentences) {
    List<byte[]> out = new ArrayList<>();
    for (Sentence s : sentences) {
      if (!s.positive() && !includeNegative) continue;
      demonstrationJson(s, 0).ifPresent(out::add);
    }
    return out;
  }

  /**
   * A bundled sentence as the raw demonstration JSON a client would send: prompt = first 2-4 words
   * (seeded), response = the rest; empty when the sentence is too short to split.
   */
  static java.util.Optional<byte[]> demonstrationJson(Sentence s, long seed) {
    return PromptSplit.split(s.text(), seed).map(p -> {
      ObjectNode n = Json.mapper().createObjectNode().put("prompt", p.prompt()).put("response", p.response())
          .put("source", "uci-" + s.source());
      n.putObject("attributes").put("label", s.positive() ? "positive" : "negative");
      return n.toString().getBytes(StandardCharsets.UTF_8);
    });
  }

  /**
   * Sends raw records, waits until the ingest application has consumed them (and its repartition
   * topics), and counts what appeared on the output topic and the DLQ meanwhile.
   */
  static Summary ingest(LocalStack stack, List<byte[]> records, String kind, boolean runService, Path stateRoot,
      Duration timeout, boolean progress) throws InterruptedException {
    var names = stack.topics().names();
    String raw = kind.equals("demonstrations") ? names.demonstrationsRaw() : names.preferencesRaw();
    String out = kind.equals("demonstrations") ? names.demonstrations() : names.preferences();
    Map<TopicPartition, Long> outStart = GroupProgress.endOffsets(stack.admin(), out);
    Map<TopicPartition, Long> dlqStart = GroupProgress.endOffsets(stack.admin(), names.deadLetters());
    IngestService service = runService
        ? IngestService.start(Services.ingestConfig(stack, stateRoot), Duration.ofMinutes(2)) : null;
    try {
      Map<String, Object> pp = stack.clientProps();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      pp.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
           ProgressBar bar = bar("send " + kind, records.size(), progress)) {
        for (byte[] r : records) {
          p.send(new ProducerRecord<>(raw, r), (md, e) -> {
            if (e != null) System.err.println("send failed: " + e.getMessage());
          });
          bar.step();
        }
        p.flush();
      }
      String group = names.groupId("ingest");
      long deadline = System.nanoTime() + timeout.toNanos();
      try (ProgressBar bar = bar("ingest", records.size(), progress)) {
        long lag;
        while ((lag = lagOrRetry(stack, group, raw, deadline)) > 0) {
          bar.stepTo(Math.max(0, records.size() - Math.min(lag, records.size())));
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("ingest still has " + lag + " records to process after " + timeout
                + (runService ? "" : "; is an ingest service running for run '" + names.run() + "'?"));
          }
          Thread.sleep(200);
        }
        bar.stepTo(records.size());
      }
    } finally {
      if (service != null) service.close();
    }
    long accepted = TopicReader.read(stack.clientProps(), out, outStart, new ByteArrayDeserializer(),
        new ByteArrayDeserializer(), Duration.ofMinutes(2), r -> { });
    Map<String, Long> reasons = new TreeMap<>();
    long rejected = TopicReader.read(stack.clientProps(), names.deadLetters(), dlqStart, new ByteArrayDeserializer(),
        new ByteArrayDeserializer(), Duration.ofMinutes(2), r -> {
          var h = r.headers().lastHeader(DeadLetterHeaders.REASON);
          var t = r.headers().lastHeader(DeadLetterHeaders.TOPIC);
          if (t != null && new String(t.value(), StandardCharsets.UTF_8).equals(raw)) {
            reasons.merge(h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8), 1L, Long::sum);
          }
        });
    long rejectedHere = reasons.values().stream().mapToLong(Long::longValue).sum();
    return new Summary(records.size(), accepted, rejected == rejectedHere ? rejected : rejectedHere, reasons);
  }

  /**
   * The ingest group's lag; a failed read (a coordinator moving, a repartition topic created a moment
   * ago) is retried until the deadline, so a transient broker answer does not end the command.
   */
  private static long lagOrRetry(LocalStack stack, String group, String raw, long deadline) throws InterruptedException {
    while (true) {
      try {
        return GroupProgress.lag(stack.admin(), group, List.of(raw));
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) throw e;
        log.info("ingest progress not readable yet ({}); retrying", e.getMessage());
        Thread.sleep(500);
      }
    }
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IngestCommand.class);

  static ProgressBar bar(String task, long max, boolean show) {
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate();
    if (!show) b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> { }));
    return b.build();
  }
}
