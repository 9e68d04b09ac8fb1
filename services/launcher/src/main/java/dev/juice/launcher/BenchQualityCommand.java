package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Hashing;
import dev.juice.common.Json;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.evaluator.Evaluation;
import dev.juice.evaluator.GoldReward;
import dev.juice.evaluator.Plots;
import dev.juice.evaluator.WordList;
import dev.juice.model.CharTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.LocalPipeline;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
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
 * BENCHMARK.md's headline table: base, SFT, SPIN (T = 1), IRFT (T = 5) and RFT at ρ = 0 and 0.25,
 * evaluated against the VADER gold reward on held-out prompts. The methods run with direct calls
 * (the same classes the services use; `juice bench pipeline` shows the Kafka path gives the same
 * weights), each from the same SFT model, with the same number of passes over the prompts.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = {"Train base, SFT, SPIN, IRFT and RFT on the benchmark and score them with the VADER gold reward.",
        "Prints BENCHMARK.md's headline table (mean ± half-range over seeds) and writes a report with plots."})
final class BenchQualityCommand implements Callable<Integer> {
  @Option(names = "--seeds", defaultValue = "1", description = "Seeds 1..N (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--quick", description = "CI-sized: tiny model, 400 train sentences, 32 held-out prompts, T = 2 (under 3 minutes).")
  boolean quick;

  @Option(names = "--rhos", split = ",", defaultValue = "0,0.25", description = "Low-quality shares (default: ${DEFAULT-VALUE}).")
  List<Double> rhos;

  @Option(names = "--report", defaultValue = "runs/quality", description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(names = "--methods", split = ",", defaultValue = "spin,irft,rft",
      description = "Methods after SFT (default: ${DEFAULT-VALUE}).")
  List<String> only;

  @Option(names = "--policy-lr", description = "Policy-step learning rate of SPIN/IRFT (default 1e-4) — for sweeps.")
  Float policyLr;

  @Option(names = "--beta", description = "SPIN/IRFT beta (default 0.1) — for sweeps.")
  Double beta;

  @Option(names = "--epochs-per-round", description = "SPIN/IRFT epochs per round (default 2) — for sweeps.")
  Integer epochsPerRound;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  private record Row(String method, double rho, long seed, Evaluation.Result r, double seconds) {}

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    long t0 = System.nanoTime();
    GoldReward gold = new GoldReward();
    Evaluation eval = new Evaluation(gold, WordList.bundled());
    List<Row> rows = new ArrayList<>();
    Engines.pytorch();
    for (long seed = 1; seed <= seeds; seed++) {
      Benchmark.Split split = Benchmark.split(UciSentiment.bundledUnique(), seed);
      List<Sentence> train = quick ? split.train().subList(0, 400) : split.train();
      List<String> prompts = Benchmark.heldOutPrompts(split.heldOut(), seed);
      if (quick) prompts = prompts.subList(0, 32);
      List<String> text = train.stream().map(Sentence::text).toList();
      CharTokenizer tok = CharTokenizer.fit(text);
      ModelConfig cfg = quick ? ModelConfig.tiny(tok.vocabSize()).withContext(160) : ModelConfig.small(tok.vocabSize());
      int maxNew = quick ? 40 : 80;
      System.out.printf("seed %d: %d train sentences, %d held-out prompts × 4 samples, %s model%n", seed, train.size(),
          prompts.size(), quick ? "tiny" : "small");
      try (NDManager root = Engines.newManager(); PolicyModel base = new PolicyModel(cfg, tok, root, seed)) {
        long tb = System.nanoTime();
        Trainers.pretrain(base, text, quick ? TrainConfig.pretrain(seed).withEpochs(1) : TrainConfig.pretrain(seed), Progress.NONE);
        Evaluation.Result baseEval = eval.evaluate(base, base, prompts, 4, maxNew, seed, null);
        rows.add(new Row("base", Double.NaN, seed, baseEval, (System.nanoTime() - tb) / 1e9));
        byte[] baseBlob = WeightsCodec.encode(base);
        for (double rho : rhos) {
          List<Demo> demos = new ArrayList<>();
          for (Sentence s : Benchmark.demonstrations(train, rho, seed)) {
            PromptSplit.split(s.text(), seed).ifPresent(p ->
                demos.add(new Demo(Hashing.sha256Hex((p.prompt() + "\n" + p.response()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    p.prompt(), p.response())));
          }
          long ts = System.nanoTime();
          PipelineConfig sftCfg = config(Algorithm.IRFT, seed, maxNew);
          try (PolicyModel sft = WeightsCodec.decodePolicy(baseBlob, root); PolicyModel scratch = WeightsCodec.decodePolicy(baseBlob, root)) {
            new PolicyLearner(sft, scratch, sftCfg).sft(demos, Progress.NONE);
            Evaluation.Result sftEval = eval.evaluate(sft, base, prompts, 4, maxNew, seed, null);
            double[] sftGold = sftEval.perPromptGold();
            rows.add(new Row("SFT", rho, seed, withWin(sftEval), (System.nanoTime() - ts) / 1e9));
            print(rows.get(rows.size() - 1));
            byte[] sftBlob = WeightsCodec.encode(sft);
            Map<String, PipelineConfig> methods = new LinkedHashMap<>();
            if (only.contains("spin")) methods.put("SPIN (T=1)", config(Algorithm.SPIN, seed, maxNew).withIterations(1));
            if (only.contains("irft")) {
              methods.put(quick ? "IRFT (T=2)" : "IRFT (T=5)", config(Algorithm.IRFT, seed, maxNew).withStages(quick ? 2 : 5));
            }
            if (only.contains("rft")) methods.put("RFT", config(Algorithm.RFT, seed, maxNew).withStages(quick ? 2 : 5));
            for (var m : methods.entrySet()) {
              long tm = System.nanoTime();
              try (PolicyModel policy = WeightsCodec.decodePolicy(sftBlob, root); PolicyModel ref = WeightsCodec.decodePolicy(sftBlob, root)) {
                LocalPipeline.rounds(m.getValue(), policy, ref, demos, Progress.NONE, LocalPipeline.Versions.NONE);
                Evaluation.Result r = eval.evaluate(policy, sft, prompts, 4, maxNew, seed, sftGold);
                rows.add(new Row(m.getKey(), rho, seed, r, (System.nanoTime() - tm) / 1e9));
                print(rows.get(rows.size() - 1));
              }
            }
          }
        }
      }
    }
    String table = table(rows);
    System.out.println();
    System.out.print(table);
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%n%d seed(s), wall %.1f min. Gold = VADER compound of prompt + response on held-out prompts.%n", seeds, wall / 60);
    Files.createDirectories(report);
    List<Plots.Point> points = new ArrayList<>();
    for (Row r : rows) points.add(new Plots.Point(r.method() + (Double.isNaN(r.rho()) ? "" : " ρ=" + r.rho()), r.r().kl(), r.r().goldReward()));
    Plots.goldByMethod(report.resolve("gold-reward.png"), points);
    Plots.rewardVsKl(report.resolve("reward-vs-kl.png"), points);
    StringBuilder md = new StringBuilder("# Quality benchmark\n\n`juice bench quality" + (quick ? " --quick" : "")
        + " --seeds " + seeds + "`, wall " + String.format("%.1f", wall / 60) + " min\n\n" + table
        + "\n![gold reward](gold-reward.png)\n![reward vs KL](reward-vs-kl.png)\n\n## Example generations (seed 1)\n\n");
    for (Row r : rows) {
      if (r.seed() != 1) continue;
      md.append("**").append(r.method()).append(Double.isNaN(r.rho()) ? "" : " ρ=" + r.rho()).append("**\n\n");
      r.r().examples().stream().limit(3).forEach(e -> md.append("- ").append(e.replace("|", "\\|")).append('\n'));
      md.append('\n');
    }
    Files.writeString(report.resolve("summary.md"), md);
    ArrayNode arr = Json.mapper().createArrayNode();
    for (Row r : rows) {
      ObjectNode o = arr.addObject().put("method", r.method()).put("seed", r.seed()).put("goldReward", r.r().goldReward())
          .put("sharePositive", r.r().sharePositive()).put("kl", r.r().kl()).put("distinct2", r.r().distinct2())
          .put("realWordShare", r.r().realWordShare()).put("seconds", r.seconds());
      if (!Double.isNaN(r.rho())) o.put("rho", r.rho());
      if (!Double.isNaN(r.r().winRateVsSft())) o.put("winRateVsSft", r.r().winRateVsSft());
    }
    Files.writeString(report.resolve("results.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(arr));
    if (json != null) Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(arr));
    System.out.println("report: " + report.resolve("summary.md"));
    return 0;
  }

  private static Evaluation.Result withWin(Evaluation.Result r) {
    return new Evaluation.Result(r.goldReward(), r.sharePositive(), 0.5, r.kl(), r.distinct2(), r.realWordShare(),
        r.perPromptGold(), r.examples());
  }

  private PipelineConfig config(Algorithm a, long seed, int maxNew) {
    PipelineConfig d = PipelineConfig.defaults(a, seed).withMaxNewTokens(maxNew);
    if (quick) d = d.withTraining(d.sft().withEpochs(1), d.policy().withEpochs(1), d.reward().withEpochs(1));
    if (a != Algorithm.RFT) {
      if (beta != null) d = d.withBeta(beta);
      var p = d.policy();
      d = d.withTraining(d.sft(), new TrainConfig(epochsPerRound != null ? epochsPerRound : p.epochs(), p.batchSize(),
          policyLr != null ? policyLr : p.learningRate(), p.weightDecay(), p.clipNorm(), p.seed()), d.reward());
    }
    return d;
  }

  private static void print(Row r) {
    System.out.printf("  %-11s ρ=%-4s gold %+.3f  win %s  KL %6.2f  distinct-2 %.3f  real words %.3f  (%.0f s)%n", r.method(),
        r.rho(), r.r().goldReward(), Double.isNaN(r.r().winRateVsSft()) ? "  — " : String.format("%.2f", r.r().winRateVsSft()),
        r.r().kl(), r.r().distinct2(), r.r().realWordShare(), r.seconds());
  }

  /** Mean ± half-range over seeds per (method, ρ). */
  static String table(List<?> raw) {
    @SuppressWarnings("unchecked")
    List<Row> rows = (List<Row>) raw;
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) groups.computeIfAbsent(r.method() + "|" + (Double.isNaN(r.rho()) ? "—" : r.rho()), k -> new ArrayList<>()).add(r);
    StringBuilder b = new StringBuilder("| method | ρ | gold reward | share positive | win rate vs SFT | KL to ref | distinct-2 | real-word share |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    for (var e : groups.entrySet()) {
      String[] k = e.getKey().split("\\|");
      List<Row> g = e.getValue();
      b.append("| ").append(k[0]).append(" | ").append(k[1]).append(" | ")
          .append(stat(g, r -> r.r().goldReward(), "%+.3f")).append(" | ")
          .append(stat(g, r -> r.r().sharePositive(), "%.3f")).append(" | ")
          .append(stat(g, r -> r.r().winRateVsSft(), "%.2f")).append(" | ")
          .append(stat(g, r -> r.r().kl(), "%.2f")).append(" | ")
          .append(stat(g, r -> r.r().distinct2(), "%.3f")).append(" | ")
          .append(stat(g, r -> r.r().realWordShare(), "%.3f")).append(" |\n");
    }
    return b.toString();
  }

  private static String stat(List<Row> g, java.util.function.ToDoubleFunction<Row> f, String fmt) {
    double[] v = g.stream().mapToDouble(f).toArray();
    if (Double.isNaN(v[0])) return "—";
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    if (v.length == 1) return String.format(fmt, mean);
    double half = (java.util.Arrays.stream(v).max().orElseThrow() - java.util.Arrays.stream(v).min().orElseThrow()) / 2;
    return String.format(fmt + " ± " + fmt.replace("+", ""), mean, half);
  }
}
