package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.CharTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Example;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job on an embedded broker: ingest the bundled demonstrations through the ingest service,
 * pre-train the base model on the training sentences and publish it, then run the pipeline services
 * — samplers (and, for RFT, scorers and the reward-trainer) as consumer groups, the policy-trainer
 * owning the schedule — exchanging requests, samples and weight versions only through Kafka.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the main job: ingest the bundled demonstrations, then base -> SFT -> IRFT (T=5) through the pipeline services.",
        "An embedded Kafka broker and registry, the ingest service, samplers, scorers and trainers talking over Kafka."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--run", defaultValue = "main", description = "Run name (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--out", defaultValue = "runs", description = "Directory for run artefacts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A smoke run: tiny model, 240 sentences, T = 2 (about a minute).")
  boolean quick;

  @Option(names = "--preset", defaultValue = "small", description = "Model size: small (≈0.8 M) or large (≈5 M) (default: ${DEFAULT-VALUE}).")
  String preset;

  @Mixin AlgorithmOptions algo;

  @Mixin WorkerOptions workers;

  @Option(names = "--evaluate", description = "Also run the evaluator: every policy version scored with the VADER gold "
      + "reward on up to 128 held-out prompts × 4 samples (adds about a minute per version with the small model).")
  boolean evaluate;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--data-dir", description = "Keep the broker's data here (then `juice status --data-dir` and "
      + "`juice replay --data-dir` can read the run); default: a temporary directory deleted at the end.")
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
    long seed = algo.seed();
    List<byte[]> raw = new ArrayList<>();
    for (Sentence s : train) {
      if (s.positive()) IngestCommand.demonstrationJson(s, seed).ifPresent(raw::add);
    }
    List<Example> heldOutDemos = new ArrayList<>();
    for (Sentence s : heldOut) {
      if (s.positive()) PromptSplit.split(s.text(), seed).ifPresent(p -> heldOutDemos.add(new Example(p.prompt(), p.response())));
    }
    PipelineConfig c = algo.config(quick ? quickDefaults(algo.algorithm(), seed) : PipelineConfig.defaults(algo.algorithm(), seed));
    ObjectNode report = Json.mapper().createObjectNode().put("run", run).put("seed", seed).put("quick", quick);
    report.putPOJO("config", PipelineEnv.toEnv(c));
    ArrayNode phases = report.putArray("phases");
    StringBuilder table = new StringBuilder(
        "| phase | policy version | last loss | pairs | stale dropped | seconds |\n|---|---|---|---|---|---|\n");
    try (LocalStack stack = LocalStack.start(dataDir, 0, 0, run, partitions)) {
      System.out.println("Kafka " + stack.settings().bootstrapServers() + ", registry " + stack.settings().registryUrl());
      IngestCommand.Summary s = IngestCommand.ingest(stack, raw, "demonstrations", true,
          Files.createTempDirectory("juice-run-streams"), Duration.ofMinutes(5), true);
      System.out.printf("ingest: sent %d, accepted %d, duplicates %d, rejected %d%n", s.sent(), s.accepted(), s.duplicates(), s.rejected());
      table.append(String.format("| ingest | — | — | %d accepted | — | %.0f |%n", s.accepted(), (System.nanoTime() - t0) / 1e9));

      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      List<String> sentences = train.stream().map(Sentence::text).toList();
      CharTokenizer tok = CharTokenizer.fit(sentences);
      ModelConfig cfg = quick ? ModelConfig.tiny(tok.vocabSize()).withContext(160)
          : preset.equals("large") ? ModelConfig.large(tok.vocabSize()) : ModelConfig.small(tok.vocabSize());
      Engines.pytorch();
      double baseNll;
      try (NDManager root = Engines.newManager();
           PolicyModel base = new PolicyModel(cfg, tok, root, seed);
           WeightPublisher weights = new WeightPublisher(stack.clientProps(), registry, stack.topics().names().weights(),
               run, stack.topics().names().groupId("launcher"));
           MetricsPublisher metrics = new MetricsPublisher(stack.clientProps(), registry, stack.topics().names().metrics(),
               run, "launcher", "")) {
        System.out.printf("base: %,d parameters (%s), %d training sentences; %d demonstrations, %d held out%n",
            base.parameterCount(), quick ? "tiny" : preset, sentences.size(), s.accepted(), heldOutDemos.size());
        long tb = System.nanoTime();
        TrainConfig pre = quick ? TrainConfig.pretrain(seed).withEpochs(1) : TrainConfig.pretrain(seed);
        double loss;
        try (ProgressBars bars = new ProgressBars(true)) {
          loss = Trainers.pretrain(base, sentences, pre, bars);
        }
        byte[] blob = WeightsCodec.encode(base);
        weights.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of("loss", loss)), blob);
        Files.write(dir.resolve("base.weights"), blob);
        baseNll = Trainers.meanResponseNll(base, heldOutDemos);
        metrics.publish("heldout.response_nll_per_char", baseNll, 0, null, Map.of("phase", "base"));
        double secs = (System.nanoTime() - tb) / 1e9;
        table.append(String.format("| base (pre-train) | — | %.4f | — | — | %.0f |%n", loss, secs));
        phases.addObject().put("phase", "base").put("loss", loss).put("heldOutNllPerChar", baseNll).put("seconds", secs);
      }

      dev.juice.evaluator.EvaluatorService evaluator = null;
      if (evaluate) {
        Path promptsFile = dir.resolve("eval-prompts.jsonl");
        List<String> lines = new ArrayList<>();
        for (Example e : heldOutDemos) lines.add(Json.mapper().createObjectNode().put("prompt", e.prompt()).toString());
        Files.write(promptsFile, lines);
        evaluator = dev.juice.evaluator.EvaluatorService.start(new dev.juice.evaluator.EvaluatorConfig(run, stack.settings(),
            promptsFile, quick ? 32 : 128, 4, seed, dir.resolve("eval"), true));
      }
      RunDriver.Outcome o = RunDriver.run(stack, run, c, workers.samplers, workers.scorers, quick ? "tiny" : preset, false, true);
      for (RunDriver.Row r : o.rows()) {
        table.append(String.format("| %s | v%d | %s | %s | %d | %.0f |%n", r.phase(), r.version(),
            Double.isNaN(r.loss()) ? "—" : String.format("%.4f", r.loss()), r.pairs() == 0 ? "—" : r.pairs(), r.dropped(), r.seconds()));
        phases.addObject().put("phase", r.phase()).put("policyVersion", r.version()).put("loss", r.loss())
            .put("pairs", r.pairs()).put("droppedStale", r.dropped()).put("seconds", r.seconds());
      }
      if (evaluator != null) {
        System.out.println("waiting for the evaluator to score the final version...");
        evaluator.await(30, java.util.concurrent.TimeUnit.MINUTES);
        evaluator.close();
        StringBuilder ev = new StringBuilder(String.format("%nGold reward (VADER) on %d held-out prompts × 4 samples:%n",
            Math.min(heldOutDemos.size(), quick ? 32 : 128)));
        for (var row : evaluator.rows()) {
          ev.append(String.format("  v%d %-5s gold %+.3f  share positive %.3f  win vs SFT %.2f  KL %.2f  distinct-2 %.3f  real words %.3f%n",
              row.version(), row.algorithm(), row.result().goldReward(), row.result().sharePositive(), row.result().winRateVsSft(),
              row.result().kl(), row.result().distinct2(), row.result().realWordShare()));
          phases.addObject().put("phase", "eval v" + row.version()).put("goldReward", row.result().goldReward())
              .put("winRateVsSft", row.result().winRateVsSft()).put("kl", row.result().kl());
        }
        evalText = ev.toString();
      }
      WeightSnapshot snap = WeightSnapshot.read(stack.clientProps(), registry, stack.topics().names().weights(), Duration.ofMinutes(1));
      byte[] sftBlob = snap.latest("reference").orElseThrow().blob();
      byte[] finalBlob = snap.latest("policy").orElseThrow().blob();
      Files.write(dir.resolve("policy-sft.weights"), sftBlob);
      Files.write(dir.resolve("policy-final.weights"), finalBlob);
      double sftNll;
      double finalNll;
      try (NDManager root = Engines.newManager();
           PolicyModel sft = WeightsCodec.decodePolicy(sftBlob, root);
           PolicyModel fin = WeightsCodec.decodePolicy(finalBlob, root)) {
        sftNll = Trainers.meanResponseNll(sft, heldOutDemos);
        finalNll = Trainers.meanResponseNll(fin, heldOutDemos);
      }
      report.put("heldOutNllPerChar", Json.mapper().createObjectNode().put("base", baseNll).put("sft", sftNll)
          .put(c.algorithm().label(), finalNll));
      report.put("finalPolicyVersion", o.result().version()).put("finalSha256", o.result().sha256())
          .put("droppedStale", o.result().droppedStale()).put("pipelineSeconds", o.seconds());
      table.append(String.format("%nHeld-out response NLL/char (%d held-out demonstrations): base %.4f, SFT %.4f, %s %.4f%n",
          heldOutDemos.size(), baseNll, sftNll, c.algorithm().label(), finalNll));
      table.append(String.format("Final policy v%d, sha256 %s%n", o.result().version(), o.result().sha256()));
      table.append(evalText);
    }
    System.out.println();
    System.out.print(table);
    Files.writeString(dir.resolve("summary.md"), "# Run " + run + "\n\n" + table);
    Files.writeString(dir.resolve("metrics.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    System.out.printf("%ndone in %.1f s; artefacts in %s (summary.md, metrics.json, *.weights)%n", (System.nanoTime() - t0) / 1e9, dir);
    return 0;
  }

  private String evalText = "";

  /** The smoke-run schedule: 2 stages, short generations, one epoch each. */
  static PipelineConfig quickDefaults(Algorithm a, long seed) {
    PipelineConfig d = PipelineConfig.defaults(a, seed);
    return d.withStages(a == Algorithm.SPIN || a == Algorithm.SFT ? 1 : 2).withMaxNewTokens(40)
        .withTraining(d.sft().withEpochs(1), d.policy().withEpochs(1), d.reward().withEpochs(1));
  }

  static boolean heldOut(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 5 == 0;
  }
}
