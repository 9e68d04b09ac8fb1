package dev.juice.launcher;

import static dev.juice.evaluator.EvaluatorService.orDash;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.Engines;
import dev.juice.model.algo.BaseModels;
import dev.juice.model.hf.BundledBase;
import dev.juice.model.hf.HfCheckpoint;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Example;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
    description = {"Run the main job: ingest the bundled demonstrations (or yours), then base -> SFT -> IRFT (T=5) through the pipeline services.",
        "An embedded Kafka broker and registry, the ingest service, samplers, scorers and trainers talking over Kafka."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--run", defaultValue = "main", description = "Run name (default: ${DEFAULT-VALUE}).")
  String run;

  @Option(names = "--out", defaultValue = "runs", description = "Directory for run artefacts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A smoke run: tiny model, 240 sentences, T = 2 (about a minute).")
  boolean quick;

  @Option(names = "--model", paramLabel = "DIR", description = "Base model: a Hugging Face GPT-2 checkpoint directory "
      + "(config.json, model.safetensors, tokenizer.json) instead of the bundled English base (e.g. one made by juice pretrain).")
  Path model;

  @Mixin AlgorithmOptions algo;

  @Mixin WorkerOptions workers;

  @Option(names = "--evaluate", description = "Also run the evaluator: every policy version scored with the VADER gold "
      + "reward on up to 128 held-out prompts × 4 samples (adds about a minute per version with the small model).")
  boolean evaluate;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the worker topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--demonstrations", paramLabel = "FILE.jsonl", description = "Your own demonstrations "
      + "({\"prompt\", \"response\"} per line) instead of the bundled benchmark; training starts from the base model (--model).")
  Path demonstrations;

  @Option(names = "--preferences", paramLabel = "FILE.jsonl", description = "Preference pairs for --algorithm ser-rft "
      + "({\"prompt\", \"chosen\", \"rejected\"} or {\"prompt\", \"response_a\", \"response_b\", \"label\"?}); "
      + "default with the bundled data: the benchmark's pairs with a seed share --seed-share labelled.")
  Path preferences;

  @Option(names = "--seed-share", defaultValue = "0.15", description = "Bundled data, ser-rft: share of the benchmark's "
      + "preference pairs that keep their human label (default: ${DEFAULT-VALUE}).")
  double seedShare;

  @Option(names = "--eval-prompts", paramLabel = "FILE.jsonl", description = "Prompts ({\"prompt\"} per line) the "
      + "evaluator samples every policy version on; implies --evaluate.")
  Path evalPrompts;

  @Option(names = "--gold", defaultValue = "vader", description = "Gold reward of the evaluator: vader (the "
      + "benchmark's sentiment task) or none (your own task: KL, distinct-2 and real-word share only) (default: ${DEFAULT-VALUE}).")
  String gold;

  @Option(names = "--bootstrap", defaultValue = "${env:JUICE_BOOTSTRAP}", description = "Run on this Kafka cluster "
      + "(env JUICE_BOOTSTRAP) instead of an embedded broker; needs --registry.")
  String bootstrap;

  @Option(names = "--registry", defaultValue = "${env:JUICE_REGISTRY}", description = "Schema registry URL with --bootstrap (env JUICE_REGISTRY).")
  String registryUrl;

  @Option(names = "--external-services", description = "The ingest, sampler, scorer, trainer and evaluator services run "
      + "elsewhere (containers, pods): this command only feeds the data, publishes the base model, waits for the final "
      + "policy and writes the summary. What compose.yaml's 'driver' container runs.")
  boolean externalServices;

  @Option(names = "--data-dir", description = "Keep the broker's data here (then `juice status --data-dir` and "
      + "`juice replay --data-dir` can read the run); default: a temporary directory deleted at the end.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = out.resolve(run);
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    long seed = algo.seed();
    boolean goldReward = dev.juice.evaluator.EvaluatorConfig.parseGold(gold);
    if (preferences != null && algo.algorithm() != Algorithm.SER_RFT) {
      throw new IllegalArgumentException("--preferences feeds SER: use it with --algorithm ser-rft");
    }
    // the benchmark's stratified split (BENCHMARK.md): held-out sentences never reach training
    Benchmark.Split split = Benchmark.split(UciSentiment.bundledUnique(), seed);
    List<Sentence> train = new ArrayList<>(split.train());
    List<Sentence> heldOut = new ArrayList<>(split.heldOut());
    if (quick) {
      java.util.Collections.shuffle(train, new java.util.Random(seed));
      java.util.Collections.shuffle(heldOut, new java.util.Random(seed));
      train = train.subList(0, 240);
      heldOut = heldOut.subList(0, 60);
    }
    List<byte[]> raw = new ArrayList<>();
    List<byte[]> rawPrefs = new ArrayList<>();
    List<Example> heldOutDemos = new ArrayList<>();
    if (demonstrations != null) {
      raw.addAll(IngestCommand.jsonLines(demonstrations));
    } else {
      for (Sentence s : train) {
        if (s.positive()) IngestCommand.demonstrationJson(s, seed).ifPresent(raw::add);
      }
      heldOutDemos.addAll(BenchData.positiveExamples(heldOut, seed));
    }
    if (preferences != null) {
      rawPrefs.addAll(IngestCommand.jsonLines(preferences));
    } else if (algo.algorithm() == Algorithm.SER_RFT) {
      if (demonstrations != null) throw new IllegalArgumentException("--algorithm ser-rft with your own demonstrations needs --preferences");
      for (Benchmark.Pair q : Benchmark.preferencePairs(train, seedShare, seed)) rawPrefs.add(IngestCommand.preferenceJson(q));
    }
    PipelineConfig c = algo.config(quick ? quickDefaults(algo.algorithm(), seed) : PipelineConfig.defaults(algo.algorithm(), seed));
    ObjectNode report = Json.mapper().createObjectNode().put("run", run).put("seed", seed).put("quick", quick);
    report.putPOJO("config", PipelineEnv.toEnv(c));
    ArrayNode phases = report.putArray("phases");
    StringBuilder table = new StringBuilder(
        "| phase | policy version | last loss | pairs | stale dropped | seconds |\n|---|---|---|---|---|---|\n");
    boolean external = bootstrap != null && !bootstrap.isBlank();
    if (externalServices && !external) throw new IllegalArgumentException("--external-services needs --bootstrap and --registry");
    if (external && (registryUrl == null || registryUrl.isBlank())) throw new IllegalArgumentException("--bootstrap needs --registry");
    boolean ingestHere = !externalServices;
    try (LocalStack stack = external ? LocalStack.external(bootstrap, registryUrl, run, partitions)
        : LocalStack.start(dataDir, 0, 0, run, partitions)) {
      System.out.println("Kafka " + stack.settings().bootstrapServers() + ", registry " + stack.settings().registryUrl());
      Path streams = Files.createTempDirectory("juice-run-streams");
      IngestCommand.Summary s = IngestCommand.ingest(stack, raw, "demonstrations", ingestHere, streams, Duration.ofMinutes(5), true);
      System.out.printf("ingest: sent %d, accepted %d, duplicates %d, rejected %d%n", s.sent(), s.accepted(), s.duplicates(), s.rejected());
      s.reasons().forEach((reason, n) -> System.out.printf("  rejected %-20s %d (see %s)%n", reason, n, stack.topics().names().deadLetters()));
      if (s.accepted() == 0) throw new IllegalArgumentException("no valid demonstration was ingested; nothing to train on");
      table.append(String.format("| ingest | — | — | %d accepted | — | %.0f |%n", s.accepted(), (System.nanoTime() - t0) / 1e9));
      if (!rawPrefs.isEmpty()) {
        IngestCommand.Summary p = IngestCommand.ingest(stack, rawPrefs, "preferences", ingestHere, streams, Duration.ofMinutes(5), true);
        System.out.printf("ingest preferences: sent %d, accepted %d, duplicates %d, rejected %d%n", p.sent(), p.accepted(),
            p.duplicates(), p.rejected());
        p.reasons().forEach((reason, n) -> System.out.printf("  rejected %-20s %d%n", reason, n));
        table.append(String.format("| ingest preferences | — | — | %d accepted | — | %.0f |%n", p.accepted(), (System.nanoTime() - t0) / 1e9));
      }

      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      Engines.pytorch();
      double baseNll;
      try (NDManager root = Engines.newManager();
           PolicyModel base = baseModel(train, root, seed);
           WeightPublisher weights = new WeightPublisher(stack.clientProps(), registry, stack.topics().names().weights(),
               run, stack.topics().names().groupId("launcher"));
           MetricsPublisher metrics = new MetricsPublisher(stack.clientProps(), registry, stack.topics().names().metrics(),
               run, "launcher", "")) {
        long tb = System.nanoTime();
        double realWords = PretrainCommand.realWordShare(base, quick ? 16 : 128, seed);
        System.out.printf("base: %s, %,d parameters, %,d BPE tokens; real-word share of temperature-1 samples %.3f; "
            + "%d demonstrations, %d held out%n", baseSource, base.parameterCount(), base.tokenizer().vocabSize(), realWords,
            s.accepted(), heldOutDemos.size());
        byte[] blob = WeightsCodec.encode(base);
        weights.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of("realWordShare", realWords)), blob);
        Files.write(dir.resolve("base.weights"), blob);
        baseNll = heldOutDemos.isEmpty() ? Double.NaN : Trainers.meanResponseNll(base, heldOutDemos);
        if (!heldOutDemos.isEmpty()) metrics.publish("heldout.response_nll_per_token", baseNll, 0, null, Map.of("phase", "base"));
        double secs = (System.nanoTime() - tb) / 1e9;
        table.append(String.format("| base (%s) | — | — | — | — | %.0f |%n", baseSource, secs));
        baseLine = String.format("Base model: %s, %,d parameters, real-word share of temperature-1 samples %.3f (gate >= 0.90: %s)%n",
            baseSource, base.parameterCount(), realWords, realWords >= 0.90 ? "pass" : "FAIL");
        phases.addObject().put("phase", "base").put("source", baseSource).put("realWordShare", realWords)
            .put("heldOutNllPerToken", baseNll).put("seconds", secs);
      }

      dev.juice.evaluator.EvaluatorService evaluator = null;
      if ((evaluate || evalPrompts != null) && !externalServices) {
        Path promptsFile = evalPrompts;
        if (promptsFile == null) {
          if (demonstrations != null) throw new IllegalArgumentException("--evaluate with your own demonstrations needs --eval-prompts");
          promptsFile = dir.resolve("eval-prompts.jsonl");
          List<String> lines = new ArrayList<>();
          for (Example e : heldOutDemos) lines.add(Json.mapper().createObjectNode().put("prompt", e.prompt()).toString());
          Files.write(promptsFile, lines);
        }
        evaluator = dev.juice.evaluator.EvaluatorService.start(new dev.juice.evaluator.EvaluatorConfig(run, stack.settings(),
            promptsFile, quick ? 32 : 128, 4, seed, dir.resolve("eval"), true, goldReward));
      }
      RunDriver.Outcome o = externalServices ? awaitFinal(stack, registry)
          : RunDriver.run(stack, run, c, workers.samplers, workers.scorers, quick ? "tiny" : "small", false, true);
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
        StringBuilder ev = new StringBuilder(String.format("%nEvaluation (gold: %s), held-out prompts × 4 samples; report in %s:%n",
            goldReward ? "VADER" : "none", dir.resolve("eval")));
        for (var row : evaluator.rows()) {
          ev.append(String.format("  v%d %-7s gold %s  share positive %s  win vs SFT %s  KL %.2f  distinct-2 %.3f  real words %.3f%n",
              row.version(), row.algorithm(), orDash("%+.3f", row.result().goldReward()), orDash("%.3f", row.result().sharePositive()),
              orDash("%.2f", row.result().winRateVsSft()), row.result().kl(), row.result().distinct2(), row.result().realWordShare()));
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
        sftNll = heldOutDemos.isEmpty() ? Double.NaN : Trainers.meanResponseNll(sft, heldOutDemos);
        finalNll = heldOutDemos.isEmpty() ? Double.NaN : Trainers.meanResponseNll(fin, heldOutDemos);
      }
      report.put("heldOutNllPerToken", Json.mapper().createObjectNode().put("base", baseNll).put("sft", sftNll)
          .put(c.algorithm().label(), finalNll));
      report.put("finalPolicyVersion", o.result().version()).put("finalSha256", o.result().sha256())
          .put("droppedStale", o.result().droppedStale()).put("pipelineSeconds", o.seconds());
      if (!heldOutDemos.isEmpty()) {
        table.append(String.format("%nHeld-out response NLL/token (%d held-out demonstrations): base %.4f, SFT %.4f, %s %.4f%n",
            heldOutDemos.size(), baseNll, sftNll, c.algorithm().label(), finalNll));
      }
      table.append(baseLine);
      table.append(String.format("Final policy v%d, sha256 %s%n", o.result().version(), o.result().sha256()));
      if (c.algorithm() == Algorithm.SER_RFT) {
        snap.latest("reward").ifPresent(r -> {
          table.append(String.format("SER reward model v%d: %.0f pairs (%.0f labelled), %.0f loop(s), trained on %.0f pairs; "
              + "accuracy on %.0f held-out labelled pairs %s (on the unlabelled pool's hidden labels %s); reward std %.2f%n",
              r.version(), r.metric("pairs", 0), r.metric("labelled", 0), r.metric("loops", 0), r.metric("trainPairs", 0),
              r.metric("heldOutPairs", 0), orDash("%.3f", r.metric("accuracy", Double.NaN)),
              orDash("%.3f", r.metric("poolAccuracy", Double.NaN)), r.metric("rewardStd", Double.NaN)));
          report.putObject("ser").put("pairs", r.metric("pairs", 0)).put("labelled", r.metric("labelled", 0))
              .put("loops", r.metric("loops", 0)).put("trainPairs", r.metric("trainPairs", 0))
              .put("heldOutPairs", r.metric("heldOutPairs", 0)).put("accuracy", r.metric("accuracy", Double.NaN))
              .put("poolAccuracy", r.metric("poolAccuracy", Double.NaN));
        });
      }
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
  private String baseSource = "";
  private String baseLine = "";

  /** --model DIR, else (--quick) a tiny base pre-trained here on the training sentences, else the bundled English base. */
  private PolicyModel baseModel(List<Sentence> train, NDManager root, long seed) throws java.io.IOException {
    if (model != null) {
      baseSource = model.toString();
      return HfCheckpoint.loadPolicy(model, root);
    }
    if (quick) {
      baseSource = "tiny, pre-trained here";
      List<String> text = train.stream().map(Sentence::text).toList();
      try (ProgressBars bars = new ProgressBars(true)) {
        return BaseModels.pretrain(text, "tiny", BaseModels.defaultVocab("tiny"), TrainConfig.pretrain(seed).withEpochs(1), bars, root);
      }
    }
    baseSource = "bundled English base";
    return HfCheckpoint.loadPolicy(BundledBase.directory(), root);
  }

  /** With --external-services: waits until the policy-trainer (elsewhere) publishes the run's final version. */
  private RunDriver.Outcome awaitFinal(LocalStack stack, RestSchemaRegistryClient registry) throws InterruptedException {
    long t0 = System.nanoTime();
    System.out.println("waiting for the services to publish the final policy version of run '" + run + "'...");
    long[] shown = {-1};
    WeightSnapshot.Loaded p = WeightSnapshot.await(stack.clientProps(), registry, stack.topics().names().weights(), "policy", v -> {
      if (v.version() != shown[0]) {
        shown[0] = v.version();
        System.out.printf("  policy v%d (%s)%n", shown[0], v.manifest().getAlgorithm());
      }
      return v.metric(dev.juice.pipeline.WeightsWatch.FINAL, 0) >= 1;
    }, Duration.ofSeconds(2), Duration.ofDays(365), () -> true);
    return new RunDriver.Outcome(new dev.juice.policytrainer.PolicyTrainerService.Result(p.version(),
        WeightsCodec.sha256Hex(p.blob()), (int) p.metric("round", 0) + 1, 0, 0), List.of(), (System.nanoTime() - t0) / 1e9);
  }

  /** The smoke-run schedule: 2 stages, short generations, one epoch each. */
  static PipelineConfig quickDefaults(Algorithm a, long seed) {
    PipelineConfig d = PipelineConfig.defaults(a, seed);
    return d.withStages(a == Algorithm.SPIN || a == Algorithm.SFT ? 1 : 2).withMaxNewTokens(40)
        .withTraining(d.sft().withEpochs(1), d.policy().withEpochs(1), d.reward().withEpochs(1));
  }
}
