package dev.juice.launcher;

import static dev.juice.evaluator.EvaluatorService.orDash;

import ai.djl.ndarray.NDManager;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.evaluator.Evaluation;
import dev.juice.evaluator.GoldReward;
import dev.juice.evaluator.WordList;
import dev.juice.model.algo.BaseModels;
import dev.juice.model.hf.BundledBase;
import dev.juice.model.hf.HfCheckpoint;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.BagOfWordsBradleyTerry;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.LocalPipeline;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
import dev.juice.model.pipeline.Preference;
import dev.juice.model.pipeline.SerLearner;
import dev.juice.model.RewardModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * BENCHMARK.md's headline table: base, SFT, SPIN (T = 1), IRFT (T = 5), RFT and SER-RFT at ρ = 0 and
 * 0.25, evaluated against the VADER gold reward on held-out prompts, plus the SER table (seed-only RM,
 * each SER loop, all labels) at each seed share, and gold-reward curves after every round. The methods run with direct calls
 * (the same classes the services use; `juice bench pipeline` shows the Kafka path gives the same
 * weights), each from the same SFT model, with the same number of passes over the prompts.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = {"Train base, SFT, SPIN, IRFT and RFT on the benchmark and score them with the VADER gold reward.",
        "Prints BENCHMARK.md's headline table (mean ± half-range over seeds) and writes a report with plots."})
final class BenchQualityCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seeds", defaultValue = "1", description = "Number of seeds (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--first-seed", defaultValue = "1",
      description = "First seed: runs seeds K..K+N-1, so seeds can run as separate processes and be combined with "
          + "`juice bench quality --merge` (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(names = "--validation", description = "Evaluate on the validation split (" + Benchmark.VALIDATION + " sentences carved "
      + "out of train, ≈ 100 prompts) instead of the test split, training on the rest: for choosing hyper-parameters, so "
      + "the test split is scored only once the choices are made.")
  boolean validation;

  @Option(names = "--select-stage", description = "SPIN/IRFT: keep the round whose policy has the lowest NLL on validation "
      + "demonstrations (the positive sentences of " + Benchmark.VALIDATION + " carved out of train, which then is not trained "
      + "on), the SFT model counting as round 0; every round still runs, so compute stays equal. Not with --validation.")
  boolean selectStage;

  @Option(names = "--quick", description = "CI-sized: tiny model, 400 train sentences, 32 held-out prompts, T = 2 (under 3 minutes).")
  boolean quick;

  @Option(names = "--rhos", split = ",", defaultValue = "0,0.25", description = "Low-quality shares (default: ${DEFAULT-VALUE}).")
  List<Double> rhos;

  @Option(names = "--report", defaultValue = "runs/quality", description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(names = "--methods", split = ",", defaultValue = "spin,irft,rft,ser-rft,sft+",
      description = "Methods after SFT: spin, irft, rft, ser-rft, sft+ (SFT continued for as many steps as the longest "
          + "of the others: the equal-compute control), and ser for the SER table alone (default: ${DEFAULT-VALUE}).")
  List<String> only;

  @Option(names = "--ser-shares", split = ",", defaultValue = "0.05,0.15",
      description = "Seed shares s of the SER table (default: ${DEFAULT-VALUE}).")
  List<Double> serShares;

  @Option(names = "--ser-rft-share", defaultValue = "0.15", description = "Seed share of SER-RFT's reward model (default: ${DEFAULT-VALUE}).")
  double serRftShare;

  @Option(names = "--ser-loops", description = "SER loop limit (default 5; --quick 2).")
  Integer serLoops;

  @Option(names = "--ser-epochs", description = "Epochs of each SER (re)training (default 3) — for sweeps.")
  Integer serEpochs;

  @Option(names = "--ser-lr", description = "Learning rate of SER's RM training (default 3e-4, chosen on a validation split by `juice bench reward`) — for sweeps.")
  Float serLr;

  @Option(names = "--stage-prompts", description = "Held-out prompts of the per-stage gold curves (default 128; --quick 8).")
  Integer stagePrompts;

  @Option(names = "--policy-lr", description = "Policy-step learning rate of SPIN/IRFT (default 1e-4) — for sweeps.")
  Float policyLr;

  @Option(names = "--policy-warmup", description = "SPIN/IRFT: share of each stage's steps warming the learning rate up "
      + "linearly before a linear decay (default 0: constant) — for sweeps on --validation.")
  Double policyWarmup;

  @Option(names = "--beta", description = "SPIN/IRFT beta (default 0.1) — for sweeps.")
  Double beta;

  @Option(names = "--epochs-per-round", description = "SPIN/IRFT epochs per round (default 2) — for sweeps.")
  Integer epochsPerRound;

  @Option(names = "--cache", description = "Keep the base and SFT weights per seed and ρ in this directory and reuse "
      + "them on the next invocation (they are deterministic in seed and ρ): for sweeps over the later methods.")
  Path cache;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  @Option(names = "--merge", arity = "1..*", paramLabel = "RESULTS_JSON",
      description = "Train nothing: combine the results.json files of earlier runs (e.g. one process per seed or ρ) "
          + "into one table (mean ± half-range over seeds) and report.")
  List<Path> merge;

  @Override
  public Integer call() throws Exception {
    if (seeds < 1 || firstSeed < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seeds and --first-seed must be at least 1");
    java.util.Set<String> known = java.util.Set.of("spin", "irft", "rft", "ser-rft", "ser", "sft+");
    for (String m : only) {
      if (!known.contains(m)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--methods: unknown method '" + m + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
    if (merge != null) return merge();
    if (selectStage && validation) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--select-stage chooses on the validation split, "
          + "so it cannot also be the split that is scored: drop --validation");
    }
    System.setProperty("java.awt.headless", "true");
    long t0 = System.nanoTime();
    GoldReward gold = new GoldReward();
    Evaluation eval = new Evaluation(gold, WordList.bundled());
    QualityReport q = new QualityReport();
    List<QualityReport.Row> rows = q.rows;
    boolean serTable = only.contains("ser") || only.contains("ser-rft");
    Engines.pytorch();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      Benchmark.Split split = Benchmark.split(UciSentiment.bundledUnique(), seed);
      if (validation) split = Benchmark.validation(split, seed); // the test split is not read at all
      // --select-stage's validation demonstrations, carved out of train (which then is not trained on them)
      Benchmark.Split carved = selectStage ? Benchmark.validation(split, seed) : null;
      List<dev.juice.model.algo.Example> selectOn = carved == null ? List.of() : BenchData.positiveExamples(carved.heldOut(), seed);
      if (carved != null) split = new Benchmark.Split(carved.train(), split.heldOut()); // score on the test split as ever
      List<Sentence> train = quick ? split.train().subList(0, 400) : split.train();
      List<String> prompts = Benchmark.heldOutPrompts(split.heldOut(), seed);
      if (quick) prompts = prompts.subList(0, 32);
      List<String> stageSet = prompts.subList(0, Math.min(prompts.size(), stagePromptCount()));
      List<Preference> heldPrefs = BenchData.evaluationPairs(split.heldOut(), seed);
      if (quick) heldPrefs = heldPrefs.subList(0, Math.min(heldPrefs.size(), 120));
      Likelihood lik = new Likelihood(split.heldOut(), heldPrefs, seed, quick);
      byte[] serRm = null;
      List<String> text = train.stream().map(Sentence::text).toList();
      int maxNew = quick ? 40 : 80;
      System.out.printf("seed %d: %d train sentences, %d %s prompts × 4 samples, %s base%n", seed, train.size(),
          prompts.size(), validation ? "VALIDATION" : "held-out (test)", quick ? "tiny (pre-trained here)" : "bundled English");
      long tb = System.nanoTime();
      try (NDManager root = Engines.newManager();
           PolicyModel base = quick
               ? BaseModels.pretrain(text, "tiny", BaseModels.defaultVocab("tiny"), TrainConfig.pretrain(seed).withEpochs(1), Progress.NONE, root)
               : HfCheckpoint.loadPolicy(BundledBase.directory(), root)) {
        ModelConfig cfg = base.config();
        BpeTokenizer tok = base.tokenizer();
        Evaluation.Result baseEval = eval.evaluate(base, base, prompts, 4, maxNew, seed, null);
        rows.add(new QualityReport.Row("base", Double.NaN, seed, lik.of(baseEval, base), (System.nanoTime() - tb) / 1e9));
        byte[] baseBlob = WeightsCodec.encode(base);
        for (double rho : rhos) {
          List<Demo> demos = BenchData.demos(Benchmark.demonstrations(train, rho, seed), seed);
          long ts = System.nanoTime();
          PipelineConfig sftCfg = config(Algorithm.IRFT, seed, maxNew);
          try (PolicyModel sft = WeightsCodec.decodePolicy(baseBlob, root); PolicyModel scratch = WeightsCodec.decodePolicy(baseBlob, root)) {
            Path sftFile = cache == null ? null : cache.resolve((quick ? "quick-" : "") + (validation ? "val-" : "") + (selectStage ? "sel-" : "") + "sft-s" + seed + "-rho" + rho + ".weights");
            if (sftFile != null && Files.exists(sftFile)) {
              WeightsCodec.loadInto(sft, Files.readAllBytes(sftFile));
            } else {
              new PolicyLearner(sft, scratch, sftCfg).sft(demos, Progress.NONE);
              if (sftFile != null) Files.write(sftFile, WeightsCodec.encode(sft));
            }
            Evaluation.Result sftEval = eval.evaluate(sft, base, prompts, 4, maxNew, seed, null);
            double[] sftGold = sftEval.perPromptGold();
            rows.add(new QualityReport.Row("SFT", rho, seed, lik.of(sftEval.withWinRate(0.5), sft), (System.nanoTime() - ts) / 1e9));
            print(rows.get(rows.size() - 1));
            byte[] sftBlob = WeightsCodec.encode(sft);
            Map<String, PipelineConfig> methods = new LinkedHashMap<>();
            if (only.contains("spin")) methods.put("SPIN (T=1)", config(Algorithm.SPIN, seed, maxNew).withIterations(1));
            if (only.contains("irft")) {
              methods.put(quick ? "IRFT (T=2)" : "IRFT (T=5)", config(Algorithm.IRFT, seed, maxNew).withStages(quick ? 2 : 5));
            }
            if (only.contains("rft")) methods.put("RFT", config(Algorithm.RFT, seed, maxNew).withStages(quick ? 2 : 5));
            if (only.contains("ser-rft")) {
              methods.put("SER-RFT (s=" + QualityReport.pct(serRftShare) + ")", config(Algorithm.SER_RFT, seed, maxNew).withStages(quick ? 2 : 5));
            }
            if (serTable && serRm == null) serRm = serTable(seed, rho, sft, root, train, heldPrefs, q.ser);
            final long runSeed = seed;
            final List<String> stageRows = stageSet;
            double sftStageGold = methods.isEmpty() ? Double.NaN : eval.evaluate(sft, sft, stageRows, 4, maxNew, runSeed, null).goldReward();
            long mostSteps = 0; // policy optimizer steps of the longest method: the equal-compute SFT arm's budget
            for (var m : methods.entrySet()) {
              long tm = System.nanoTime();
              List<Double> golds = new ArrayList<>();
              try (PolicyModel policy = WeightsCodec.decodePolicy(sftBlob, root); PolicyModel ref = WeightsCodec.decodePolicy(sftBlob, root);
                   NDManager rmScope = root.newSubManager()) {
                golds.add(sftStageGold);
                boolean selecting = selectStage && !m.getValue().algorithm().usesRewardModel();
                double[] best = {selecting ? Trainers.meanResponseNll(sft, selectOn) : Double.NaN, 0}; // NLL, round
                byte[][] bestBlob = {sftBlob};
                int[] rounds = {0};
                LocalPipeline.Versions perStage = (model, v, round, alg) -> {
                  if (!model.equals("policy") || round == null) return;
                  golds.add(eval.evaluate(policy, sft, stageRows, 4, maxNew, runSeed, null).goldReward());
                  rounds[0]++;
                  if (selecting) {
                    double nll = Trainers.meanResponseNll(policy, selectOn);
                    if (nll < best[0]) {
                      best[0] = nll;
                      best[1] = rounds[0];
                      bestBlob[0] = WeightsCodec.encode(policy);
                    }
                  }
                };
                RewardModel fixed = m.getValue().algorithm() == Algorithm.SER_RFT ? (RewardModel) WeightsCodec.decode(serRm, rmScope) : null;
                List<LocalPipeline.RoundLog> logs = LocalPipeline.rounds(m.getValue(), policy, ref, demos, Progress.NONE, perStage, fixed);
                mostSteps = Math.max(mostSteps, logs.stream().mapToLong(l -> l.policy() == null ? 0 : l.policy().steps()).sum());
                if (selecting) {
                  WeightsCodec.loadInto(policy, bestBlob[0]);
                  System.out.printf("  %s ρ=%s: kept round %d of %d (validation NLL/token %.4f on %d demonstrations; 0 = the SFT "
                      + "model)%n", m.getKey(), rho, (int) best[1], rounds[0], best[0], selectOn.size());
                }
                q.curves.add(new QualityReport.Curve(m.getKey() + " ρ=" + rho, seed, golds.stream().mapToDouble(Double::doubleValue).toArray()));
                Evaluation.Result r = eval.evaluate(policy, sft, prompts, 4, maxNew, seed, sftGold);
                rows.add(new QualityReport.Row(m.getKey(), rho, seed, lik.of(r, policy), (System.nanoTime() - tm) / 1e9));
                print(rows.get(rows.size() - 1));
              }
            }
            if (only.contains("sft+") && mostSteps > 0) {
              rows.add(sftEqualSteps(sftCfg, sftBlob, demos, mostSteps, root, eval, lik, prompts, maxNew, seed, rho, sftGold));
              print(rows.get(rows.size() - 1));
            }
          }
        }
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    String heading = String.format(java.util.Locale.ROOT, "%d seed(s), wall %.1f min. Gold = VADER compound of prompt + response "
        + "on %s prompts; ± is the half-range over seeds.", seeds, wall / 60, validation ? "VALIDATION-split" : "held-out test");
    q.split = validation ? "validation" : "test";
    q.sources.add("`juice bench quality" + (quick ? " --quick" : "") + (validation ? " --validation" : "")
        + (selectStage ? " --select-stage" : "") + " --seeds " + seeds
        + (firstSeed != 1 ? " --first-seed " + firstSeed : "") + " --rhos " + rhos.stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(",")) + "`");
    q.stagePrompts = stagePromptCount();
    printAndWrite(q, heading);
    return 0;
  }

  /** {@code --merge}: reads every file, refuses conflicting duplicates, prints and writes the combined report. */
  private int merge() throws java.io.IOException {
    QualityReport q = new QualityReport();
    for (Path f : merge) {
      if (!Files.isRegularFile(f)) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--merge: no such file " + f);
      try {
        q.merge(QualityReport.read(f), f.toString());
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--merge: " + e.getMessage());
      }
    }
    printAndWrite(q, String.format(java.util.Locale.ROOT, "%d file(s), seeds %s. Gold = VADER compound of prompt + response on "
        + "%s prompts; ± is the half-range over seeds.", merge.size(), q.seeds(),
        q.split.equals("validation") ? "VALIDATION-split" : "held-out test"));
    return 0;
  }

  private void printAndWrite(QualityReport q, String heading) throws java.io.IOException {
    System.out.println();
    System.out.print(q.table());
    String lik = q.likelihoodTable();
    if (!lik.isEmpty()) System.out.print("\n" + lik);
    String ser = q.serTable();
    if (!ser.isEmpty()) System.out.print("\n" + ser);
    List<Contrasts.Result> contrasts = q.contrasts(); // the bootstrap runs once for the console, summary.md and the JSON
    String table = Contrasts.table(contrasts);
    if (!table.isEmpty()) System.out.print("\nPaired contrasts (A − B on the same seeds and prompts):\n" + table);
    System.out.println("\n" + heading);
    q.write(report, heading, contrasts);
    if (json != null) Files.writeString(json, q.json(contrasts));
    System.out.println("report: " + report.resolve("summary.md"));
  }

  /** Held-out prompts of the per-round gold curves. */
  private int stagePromptCount() {
    return stagePrompts != null ? stagePrompts : quick ? 8 : 128;
  }

  /**
   * SER at every seed share from the SFT trunk, plus the all-labels RM; returns the weights of the
   * final RM at {@link #serRftShare} (SER-RFT's reward model).
   */
  private byte[] serTable(long seed, double rho, PolicyModel sft, NDManager root, List<Sentence> train, List<Preference> heldOut,
      List<QualityReport.SerRow> out) {
    SerLearner.Config cfg = SerLearner.Config.defaults(seed);
    var tc = cfg.train();
    tc = new TrainConfig(serEpochs != null ? serEpochs : quick ? 1 : tc.epochs(), tc.batchSize(),
        serLr != null ? serLr : tc.learningRate(), tc.weightDecay(), tc.clipNorm(), tc.seed());
    cfg = new SerLearner.Config(serLoops != null ? serLoops : quick ? 2 : cfg.maxLoops(), tc, cfg.centering(), seed);
    java.util.Set<Double> shares = new java.util.TreeSet<>(serShares);
    shares.add(serRftShare);
    byte[] forRft = null;
    for (double share : shares) {
      List<Preference> pairs = preferences(train, share, seed);
      long t = System.nanoTime();
      try (NDManager scope = root.newSubManager(); RewardModel rm = RewardModel.fromPolicy(sft, scope, seed)) {
        SerLearner learner = new SerLearner(rm, cfg);
        learner.run(pairs, heldOut, Progress.NONE, l -> {
          if (serShares.contains(share)) out.add(new QualityReport.SerRow(rho, share, seed, l));
          System.out.printf("  SER s=%-5s loop %d: kept %d + %d, precision %s, held-out accuracy %.3f, reward %+.2f ± %.2f%n",
              QualityReport.pct(share), l.loop(), l.keptStatus1(), l.keptStatus2(), orDash("%.3f", l.precision()),
              l.heldOutAccuracy(), l.rewardMean(), l.rewardStd());
        });
        if (share == serRftShare) forRft = WeightsCodec.encode(rm);
      }
      System.out.printf("  SER s=%s took %.0f s%n", QualityReport.pct(share), (System.nanoTime() - t) / 1e9);
    }
    try (NDManager scope = root.newSubManager(); RewardModel rm = RewardModel.fromPolicy(sft, scope, seed)) {
      SerLearner.Loop l = new SerLearner(rm, cfg).allLabels(preferences(train, 1.0, seed), heldOut, Progress.NONE);
      for (double sh : serShares) out.add(new QualityReport.SerRow(rho, sh, seed, l));
      System.out.printf("  all labels (%d pairs): held-out accuracy %.3f%n", l.trainPairs(), l.heldOutAccuracy());
    }
    // the yardstick on the same pairs: bag-of-words Bradley–Terry, λ chosen on a validation split of its labels
    for (double share : serShares) {
      SerLearner.Loop b = bagOfWords(preferences(train, share, seed), heldOut, seed, QualityReport.BOW_SHARE, root);
      out.add(new QualityReport.SerRow(rho, share, seed, b));
      System.out.printf("  bag-of-words BT, s=%s (%d pairs): held-out accuracy %.3f%n", QualityReport.pct(share), b.trainPairs(),
          b.heldOutAccuracy());
    }
    SerLearner.Loop all = bagOfWords(preferences(train, 1.0, seed), heldOut, seed, QualityReport.BOW_ALL, root);
    for (double sh : serShares) out.add(new QualityReport.SerRow(rho, sh, seed, all));
    System.out.printf("  bag-of-words BT, all labels (%d pairs): held-out accuracy %.3f%n", all.trainPairs(), all.heldOutAccuracy());
    return forRft;
  }

  /** The bag-of-words Bradley–Terry baseline on the labelled pairs, as a row of the SER table. */
  private static SerLearner.Loop bagOfWords(List<Preference> pairs, List<Preference> heldOut, long seed, int code, NDManager root) {
    List<Preference> labelled = pairs.stream().filter(Preference::labelled).toList();
    BagOfWordsBradleyTerry bt = BenchData.bagOfWords(labelled, 0.15, seed, root);
    return new SerLearner.Loop(code, 0, 0, labelled.size(), 0, Double.NaN, bt.accuracy(heldOut), Double.NaN, Double.NaN, Double.NaN);
  }

  /** Benchmark preference pairs (--quick: the first 120). */
  private List<Preference> preferences(List<Sentence> sentences, double share, long seed) {
    List<Preference> out = BenchData.preferences(sentences, share, seed);
    return quick ? out.subList(0, Math.min(out.size(), 120)) : out;
  }

  /** Label of the equal-compute control arm. */
  static final String SFT_EQUAL_STEPS = "SFT+ (equal steps)";

  /**
   * The equal-compute control: SFT continued from the SFT model on the same demonstrations for at
   * least as many optimizer steps as the longest method took (whole epochs, a fresh AdamW as each
   * IRFT stage gets, a shuffle seed of its own), evaluated like the methods.
   */
  private static QualityReport.Row sftEqualSteps(PipelineConfig sftCfg, byte[] sftBlob, List<Demo> demos, long steps,
      NDManager root, Evaluation eval, Likelihood lik, List<String> prompts, int maxNew, long seed, double rho, double[] sftGold) {
    long t0 = System.nanoTime();
    TrainConfig t = sftCfg.sft();
    long perEpoch = (demos.size() + t.batchSize() - 1) / t.batchSize();
    int epochs = (int) Math.max(1, (steps + perEpoch - 1) / perEpoch);
    TrainConfig more = new TrainConfig(epochs, t.batchSize(), t.learningRate(), t.weightDecay(), t.clipNorm(), t.seed() + 1_000);
    try (PolicyModel policy = WeightsCodec.decodePolicy(sftBlob, root); PolicyModel sft = WeightsCodec.decodePolicy(sftBlob, root);
         PolicyModel scratch = WeightsCodec.decodePolicy(sftBlob, root)) {
      new PolicyLearner(policy, scratch, sftCfg.withTraining(more, sftCfg.policy(), sftCfg.reward())).sft(demos, Progress.NONE);
      System.out.printf("  %s: %d more SFT steps (%d epochs) for the longest method's %d%n", SFT_EQUAL_STEPS, epochs * perEpoch,
          epochs, steps);
      Evaluation.Result r = eval.evaluate(policy, sft, prompts, 4, maxNew, seed, sftGold);
      return new QualityReport.Row(SFT_EQUAL_STEPS, rho, seed, lik.of(r, policy), (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * The sampling-free metrics' data of a seed: its held-out positive sentences split into prompt and
   * response (as the demonstrations are), and its held-out pairs as (prompt, preferred, other).
   */
  private static final class Likelihood {
    private final List<dev.juice.model.algo.Example> positives;
    private final List<String[]> pairs = new ArrayList<>();

    Likelihood(List<Sentence> heldOut, List<Preference> heldPairs, long seed, boolean quick) {
      List<dev.juice.model.algo.Example> all = BenchData.positiveExamples(heldOut, seed);
      positives = quick ? all.subList(0, Math.min(all.size(), 64)) : all;
      for (Preference p : heldPairs) {
        boolean aWins = p.truth();
        pairs.add(new String[] {p.prompt(), aWins ? p.a() : p.b(), aWins ? p.b() : p.a()});
      }
    }

    Evaluation.Result of(Evaluation.Result r, PolicyModel policy) {
      return r.withLikelihood(Evaluation.likelihood(policy, positives, pairs));
    }
  }

  private PipelineConfig config(Algorithm a, long seed, int maxNew) {
    PipelineConfig d = PipelineConfig.defaults(a, seed).withMaxNewTokens(maxNew);
    if (quick) d = d.withTraining(d.sft().withEpochs(1), d.policy().withEpochs(1), d.reward().withEpochs(1));
    if (!a.usesRewardModel()) {
      if (beta != null) d = d.withBeta(beta);
      var p = d.policy();
      d = d.withTraining(d.sft(), new TrainConfig(epochsPerRound != null ? epochsPerRound : p.epochs(), p.batchSize(),
          policyLr != null ? policyLr : p.learningRate(), p.weightDecay(), p.clipNorm(), p.seed(),
          policyWarmup != null ? policyWarmup : p.warmupShare()), d.reward());
    }
    return d;
  }

  private static void print(QualityReport.Row r) {
    System.out.printf("  %-11s ρ=%-4s gold %+.3f  win %s  KL %6.2f  distinct-2 %.3f  real words %.3f  (%.0f s)%n", r.method(),
        r.rho(), r.r().goldReward(), Double.isNaN(r.r().winRateVsSft()) ? "  — " : String.format("%.2f", r.r().winRateVsSft()),
        r.r().kl(), r.r().distinct2(), r.r().realWordShare(), r.seconds());
  }
}
