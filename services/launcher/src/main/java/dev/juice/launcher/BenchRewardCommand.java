package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.datasets.Benchmark;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.BagOfWordsBradleyTerry;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.hf.BundledBase;
import dev.juice.model.hf.HfCheckpoint;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
import dev.juice.model.pipeline.Preference;
import dev.juice.model.pipeline.SerLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Can the reward model learn the benchmark's preference from this trunk? For each seed: the
 * bag-of-words Bradley–Terry baseline at each label share, and a grid of reward-model settings (trunk
 * base or SFT × frozen lower blocks × learning rate), every choice made on a validation split of the
 * training pairs; the chosen settings are then refitted on all training pairs and measured once on the
 * held-out pairs — the figure the README reports.
 */
@Command(name = "reward", mixinStandardHelpOptions = true,
    description = {"Reward-model accuracy on the benchmark's preference pairs beside a bag-of-words Bradley–Terry baseline.",
        "Settings are chosen on a validation split of the training pairs; held-out pairs are scored once, at the end."})
final class BenchRewardCommand implements Callable<Integer> {
  @Option(names = "--seeds", defaultValue = "1", description = "Number of seeds (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--first-seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(names = "--trunks", split = ",", defaultValue = "base,sft", description = "RM trunks to try (default: ${DEFAULT-VALUE}).")
  List<String> trunks;

  @Option(names = "--frozen", split = ",", defaultValue = "0,2,3",
      description = "Lowest blocks (and embeddings) to freeze, each tried (default: ${DEFAULT-VALUE}).")
  List<Integer> frozen;

  @Option(names = "--lrs", split = ",", defaultValue = "1e-4,3e-4", description = "RM learning rates to try (default: ${DEFAULT-VALUE}).")
  List<Float> lrs;

  @Option(names = "--epochs", defaultValue = "3", description = "RM epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--shares", split = ",", defaultValue = "0.05,0.15,1", description = "Label shares of the baseline rows (default: ${DEFAULT-VALUE}).")
  List<Double> shares;

  @Option(names = "--validation", defaultValue = "0.15", description = "Share of training pairs held for validation (default: ${DEFAULT-VALUE}).")
  double validation;

  @Override
  public Integer call() throws Exception {
    Engines.pytorch();
    long t0 = System.nanoTime();
    List<String> summary = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      Benchmark.Split split = Benchmark.split(UciSentiment.bundledUnique(), seed);
      List<Preference> train = BenchData.preferences(split.train(), 1.0, seed);
      List<Preference> heldOut = BenchData.evaluationPairs(split.heldOut(), seed);
      List<List<Preference>> fv = BenchData.validationSplit(train, validation, seed);
      System.out.printf(Locale.ROOT, "seed %d: %d training pairs (%d fit + %d validation), %d held-out pairs%n", seed, train.size(),
          fv.get(0).size(), fv.get(1).size(), heldOut.size());
      try (NDManager root = Engines.newManager(); PolicyModel base = HfCheckpoint.loadPolicy(BundledBase.directory(), root)) {
        for (double share : shares) {
          List<Preference> labelled = BenchData.preferences(split.train(), share, seed).stream().filter(Preference::labelled).toList();
          BagOfWordsBradleyTerry bow = BenchData.bagOfWords(labelled, validation, seed, root);
          double acc = bow.accuracy(heldOut);
          System.out.printf(Locale.ROOT, "  bag-of-words BT, %s labels (%d pairs, λ %.0e by validation, %,d features): held-out accuracy %.3f%n",
              pct(share), labelled.size(), bow.l2(), bow.featureCount(), acc);
          summary.add(String.format(Locale.ROOT, "| %d | bag-of-words BT | %s | λ %.0e | %.3f |", seed, pct(share), bow.l2(), acc));
        }
        byte[] baseBlob = WeightsCodec.encode(base);
        byte[] sftBlob = null;
        if (trunks.contains("sft")) {
          long ts = System.nanoTime();
          try (PolicyModel sft = WeightsCodec.decodePolicy(baseBlob, root); PolicyModel scratch = WeightsCodec.decodePolicy(baseBlob, root)) {
            new PolicyLearner(sft, scratch, PipelineConfig.defaults(Algorithm.IRFT, seed))
                .sft(BenchData.demos(Benchmark.demonstrations(split.train(), 0, seed), seed), Progress.NONE);
            sftBlob = WeightsCodec.encode(sft);
          }
          System.out.printf(Locale.ROOT, "  SFT trunk trained in %.0f s%n", (System.nanoTime() - ts) / 1e9);
        }
        String best = null;
        double bestAcc = -1;
        for (String trunk : trunks) {
          byte[] blob = trunk.equals("sft") ? sftBlob : baseBlob;
          if (blob == null) throw new IllegalArgumentException("unknown trunk " + trunk + " (base or sft)");
          for (int fr : frozen) {
            for (float lr : lrs) {
              long tf = System.nanoTime();
              double acc = fitRm(blob, fr, lr, seed, fv.get(0), fv.get(1), root);
              System.out.printf(Locale.ROOT, "  RM trunk %-4s frozen %d lr %.0e: validation accuracy %.3f (%.0f s)%n", trunk, fr, lr, acc,
                  (System.nanoTime() - tf) / 1e9);
              if (acc > bestAcc) {
                bestAcc = acc;
                best = trunk + "," + fr + "," + lr;
              }
            }
          }
        }
        String[] b = best.split(",");
        byte[] blob = b[0].equals("sft") ? sftBlob : baseBlob;
        double acc = fitRm(blob, Integer.parseInt(b[1]), Float.parseFloat(b[2]), seed, train, heldOut, root);
        String setting = String.format(Locale.ROOT, "trunk %s, frozen %s, lr %.0e", b[0], b[1], Float.parseFloat(b[2]));
        System.out.printf(Locale.ROOT, "  RM chosen by validation (%s), all %d training pairs: held-out accuracy %.3f%n", setting,
            train.size(), acc);
        summary.add(String.format(Locale.ROOT, "| %d | reward model (%s) | 100 %% | validation %.3f | %.3f |", seed, setting, bestAcc, acc));
      }
    }
    System.out.println("\n| seed | model | labels | chosen on validation | held-out accuracy |\n|---|---|---|---|---|");
    summary.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "%nwall %.1f min%n", (System.nanoTime() - t0) / 6e10);
    return 0;
  }

  /** Trains an RM from the trunk on {@code fit} with every label, returns its accuracy on {@code eval}. */
  private double fitRm(byte[] trunk, int frozenLayers, float lr, long seed, List<Preference> fit, List<Preference> eval,
      NDManager root) {
    try (NDManager scope = root.newSubManager(); PolicyModel p = WeightsCodec.decodePolicy(trunk, scope);
         RewardModel rm = RewardModel.fromPolicy(p, scope, seed)) {
      rm.freezeLowerLayers(frozenLayers);
      SerLearner.Config d = SerLearner.Config.defaults(seed);
      TrainConfig tc = d.train();
      SerLearner.Config cfg = new SerLearner.Config(0, new TrainConfig(epochs, tc.batchSize(), lr, tc.weightDecay(), tc.clipNorm(),
          seed), d.centering(), seed);
      return new SerLearner(rm, cfg).allLabels(fit, eval, Progress.NONE).heldOutAccuracy();
    }
  }

  static String pct(double share) {
    return QualityReport.pct(share);
  }
}
