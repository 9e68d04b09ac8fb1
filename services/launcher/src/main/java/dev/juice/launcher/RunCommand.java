package dev.juice.launcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.avro.Demonstration;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.TopicReader;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.CharTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Example;
import dev.juice.model.algo.IrftConfig;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;
import ai.djl.ndarray.NDManager;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on an embedded broker: ingest the bundled demonstrations through the ingest service,
 * read them back from the Avro topic, train base → SFT → IRFT (T = 5) and publish every phase's
 * policy as a weight version on the weights topic. Sampling and scoring run in this process for now;
 * the separate sampler/scorer services are the next step of the pipeline (issue 4).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the main job: ingest the bundled demonstrations, then base -> SFT -> IRFT (T=5).",
        "Runs on an embedded Kafka broker; every phase's policy is published as a weight version."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--run", defaultValue = "main", description = "Run name (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--out", defaultValue = "runs", description = "Directory for run artefacts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A smoke run: tiny model, little data, T = 2 (about a minute).")
  boolean quick;

  @Option(names = "--preset", defaultValue = "small", description = "Model size: small (≈0.8 M) or large (≈5 M) (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--stages", description = "IRFT stages T (default 5; 1 = SPIN).")
  Integer stages;

  @Option(names = "--beta", defaultValue = "0.1", description = "IRFT beta (default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, training and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--data-dir", description = "Keep the broker's data here (then `juice status --data-dir` can read the run); "
      + "default: a temporary directory deleted at the end.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = out.resolve(run);
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    // held out by sentence, deterministic: ~20 % of sentences never reach training
    List<Sentence> train = new ArrayList<>();
    List<Sentence> heldOut = new ArrayList<>();
    for (Sentence s : UciSentiment.bundledUnique()) (heldOut(s.text()) ? heldOut : train).add(s);
    if (quick) {
      train = train.subList(0, 240);
      heldOut = heldOut.subList(0, 60);
    }
    List<byte[]> raw = new ArrayList<>();
    for (Sentence s : train) {
      if (!s.positive()) continue;
      IngestCommand.demonstrationJson(s, seed).ifPresent(raw::add);
    }
    List<Example> heldOutDemos = new ArrayList<>();
    for (Sentence s : heldOut) {
      if (s.positive()) PromptSplit.split(s.text(), seed).ifPresent(p -> heldOutDemos.add(new Example(p.prompt(), p.response())));
    }
    ObjectNode metrics = Json.mapper().createObjectNode().put("run", run).put("seed", seed).put("quick", quick);
    ArrayNode phases = metrics.putArray("phases");
    StringBuilder table = new StringBuilder("| phase | steps | last loss | held-out response NLL/char | policy version | seconds |\n|---|---|---|---|---|---|\n");
    try (LocalStack stack = LocalStack.start(dataDir, 0, 0, run, partitions)) {
      System.out.println("Kafka " + stack.settings().bootstrapServers() + ", registry " + stack.settings().registryUrl());
      IngestCommand.Summary s = IngestCommand.ingest(stack, raw, "demonstrations", true,
          Files.createTempDirectory("juice-run-streams"), Duration.ofMinutes(5), true);
      System.out.printf("ingest: sent %d, accepted %d, duplicates %d, rejected %d%n", s.sent(), s.accepted(), s.duplicates(), s.rejected());
      table.append(String.format("| ingest | %d sent | — | — | — | %.0f |%n", s.sent(), (System.nanoTime() - t0) / 1e9));

      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      List<Example> demos = new ArrayList<>();
      TopicReader.read(stack.clientProps(), stack.topics().names().demonstrations(), Map.of(), new StringDeserializer(),
          new AvroDeserializer<>(registry, Demonstration.class), Duration.ofMinutes(1),
          r -> demos.add(new Example(r.value().getPrompt(), r.value().getResponse())));
      demos.sort(java.util.Comparator.comparing(Example::prompt).thenComparing(Example::response)); // partition order varies
      List<String> sentences = train.stream().map(Sentence::text).toList();
      List<String> vocabText = new ArrayList<>(sentences);
      CharTokenizer tok = CharTokenizer.fit(vocabText);
      ModelConfig cfg = quick ? ModelConfig.tiny(tok.vocabSize()).withContext(160)
          : preset.equals("large") ? ModelConfig.large(tok.vocabSize()) : ModelConfig.small(tok.vocabSize());
      Engines.pytorch();
      try (NDManager root = Engines.newManager();
           PolicyModel policy = new PolicyModel(cfg, tok, root, seed);
           PolicyModel reference = new PolicyModel(cfg, tok, root, seed);
           WeightPublisher weights = new WeightPublisher(stack.clientProps(), registry, stack.topics().names().weights(),
               run, stack.topics().names().groupId("policy-trainer"));
           dev.juice.common.metrics.MetricsPublisher metricEvents = new dev.juice.common.metrics.MetricsPublisher(
               stack.clientProps(), registry, stack.topics().names().metrics(), run, "policy-trainer", "")) {
        this.metricEvents = metricEvents;
        System.out.printf("policy: %,d parameters (%s), %d demonstrations, %d sentences, %d held-out demonstrations%n",
            policy.parameterCount(), quick ? "tiny" : preset, demos.size(), sentences.size(), heldOutDemos.size());
        TrainConfig pre = quick ? TrainConfig.pretrain(seed).withEpochs(1) : TrainConfig.pretrain(seed);
        TrainConfig sft = quick ? TrainConfig.sft(seed).withEpochs(1) : TrainConfig.sft(seed);
        IrftConfig irft = IrftConfig.defaults(seed).withStages(stages != null ? stages : quick ? 2 : 5).withBeta(beta);
        if (quick) irft = irft.withMaxNewTokens(40);
        long version = 0;
        version = phase("pretrain", () -> Trainers.pretrain(policy, sentences, pre, bar("pretrain")), policy, heldOutDemos,
            weights, ++version, table, phases, dir);
        version = phase("sft", () -> Trainers.sft(policy, demos, sft, bar("sft")), policy, heldOutDemos,
            weights, ++version, table, phases, dir);
        IrftConfig fi = irft;
        phase("irft", () -> Trainers.irft(policy, reference, demos, fi, bar("irft")), policy, heldOutDemos,
            weights, ++version, table, phases, dir);
      }
    }
    System.out.println();
    System.out.print(table);
    Files.writeString(dir.resolve("summary.md"), "# Run " + run + "\n\n" + table);
    Files.writeString(dir.resolve("metrics.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
    System.out.printf("%ndone in %.1f s; artefacts in %s (summary.md, metrics.json, policy-*.weights)%n", (System.nanoTime() - t0) / 1e9, dir);
    return 0;
  }

  private interface Phase {
    double run();
  }

  private ProgressBar currentBar;

  private long phase(String name, Phase body, PolicyModel policy, List<Example> heldOut, WeightPublisher weights,
      long version, StringBuilder table, ArrayNode phases, Path dir) throws Exception {
    long t0 = System.nanoTime();
    double loss = body.run();
    if (currentBar != null) {
      currentBar.close();
      currentBar = null;
    }
    double nll = Trainers.meanResponseNll(policy, heldOut);
    byte[] blob = WeightsCodec.encode(policy);
    weights.publish(new WeightPublisher.Version("policy", ModelKind.POLICY, version, version > 1 ? version - 1 : null,
        version, name, Map.of("loss", loss, "heldOutNll", nll)), blob);
    Files.write(dir.resolve("policy-" + name + ".weights"), blob);
    metricEvents.publish("heldout.response_nll_per_char", nll, steps, version, Map.of("phase", name));
    metricEvents.publish("phase.seconds", (System.nanoTime() - t0) / 1e9, steps, version, Map.of("phase", name));
    double secs = (System.nanoTime() - t0) / 1e9;
    table.append(String.format("| %s | %s | %.4f | %.4f | v%d | %.0f |%n", name, steps, loss, nll, version, secs));
    phases.addObject().put("phase", name).put("steps", steps).put("loss", loss).put("heldOutNllPerChar", nll)
        .put("policyVersion", version).put("sha256", WeightsCodec.sha256Hex(blob)).put("seconds", secs);
    return version;
  }

  private long steps;
  private dev.juice.common.metrics.MetricsPublisher metricEvents;

  private Progress bar(String phase) {
    steps = 0;
    return (p, step, total, loss, tps, detail) -> {
      if (currentBar == null) currentBar = IngestCommand.bar(phase, total, true);
      steps = step;
      currentBar.stepTo(step);
      currentBar.setExtraMessage(String.format(" loss %.3f, %,.0f tok/s, %s", loss, tps, detail));
      if (step % 10 == 0 || step == total) {
        metricEvents.publish("loss." + phase, loss, step, null, Map.of("detail", detail));
        metricEvents.publish("tokens_per_sec." + phase, tps, step, null, Map.of());
      }
    };
  }

  static boolean heldOut(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 5 == 0;
  }
}
