package dev.juice.launcher.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.algo.BaseModels;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import dev.juice.model.DjlLosses;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.Optimizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.Sampler;
import dev.juice.model.SequenceBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One configuration of {@code juice bench model}, in its own JVM (the engine's thread count is fixed
 * when it starts): training tokens/s with Juice's optimizer step and with a bare DJL loop doing the
 * same math, sampling tokens/s with and without the KV cache, reward scoring sequences/s, achieved
 * GFLOP/s next to a plain matmul's, peak RSS; optionally RSS over many training steps.
 * Args: preset threads outFile [memorySteps].
 */
public final class ModelBenchWorker {
  private ModelBenchWorker() {}

  public static void main(String[] args) throws IOException {
    String preset = args[0];
    int threads = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    int memorySteps = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    Engines.pytorch(threads);
    Engine.getInstance().setRandomSeed(1);

    List<String> prompts = new ArrayList<>();
    List<String> responses = new ArrayList<>();
    for (Sentence s : UciSentiment.bundledUnique()) {
      PromptSplit.split(s.text(), 0).ifPresent(p -> {
        if (p.prompt().length() + p.response().length() < 150) {
          prompts.add(p.prompt());
          responses.add(p.response());
        }
      });
    }
    List<String> all = new ArrayList<>(prompts);
    all.addAll(responses);
    BpeTokenizer tok = BpeTrainer.train(all, BaseModels.defaultVocab(preset)).tokenizer();
    ModelConfig cfg = ModelConfig.preset(preset, tok.vocabSize());
    int batch = 32;
    List<SequenceBatch> batches = new ArrayList<>();
    for (int i = 0; i + batch <= Math.min(prompts.size(), 40 * batch); i += batch) {
      batches.add(SequenceBatch.ofText(tok, prompts.subList(i, i + batch), responses.subList(i, i + batch), cfg.contextLength()));
    }
    ObjectNode r = Json.mapper().createObjectNode().put("preset", preset).put("threads", threads);
    try (NDManager root = Engines.newManager(); PolicyModel model = new PolicyModel(cfg, tok, root, 1)) {
      r.put("parameters", model.parameterCount());
      int steps = preset.equals("large") ? 4 : 10;
      int rounds = 3;
      // Juice's optimizer step (clipping, grad norm, lock) and a bare DJL loop doing the same math
      // (collector, backward, AdamW update, zero — nothing else), interleaved over rounds so drift
      // and noise hit both alike
      Optimizer opt = new Optimizer(model, 3e-4f, 0.01f, 1f);
      ai.djl.training.optimizer.Optimizer adam = ai.djl.training.optimizer.Optimizer.adamW()
          .optLearningRateTracker(Tracker.fixed(3e-4f)).optWeightDecays(0.01f).build();
      for (int i = 0; i < 3; i++) opt.step(loss(model, batches.get(i)));
      for (int i = 0; i < 3; i++) bareStep(model, adam, batches.get(i));
      long juiceTokens = 0;
      long bareTokens = 0;
      long juiceNanos = 0;
      long bareNanos = 0;
      int next = 0;
      for (int round = 0; round < rounds; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          SequenceBatch b = batches.get((next + i) % batches.size());
          opt.step(loss(model, b));
          juiceTokens += b.size() * (long) b.length();
        }
        juiceNanos += System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          SequenceBatch b = batches.get((next + i) % batches.size()); // the same batches
          bareStep(model, adam, b);
          bareTokens += b.size() * (long) b.length();
        }
        bareNanos += System.nanoTime() - t0;
        next += steps;
      }
      double trainTps = juiceTokens / (juiceNanos / 1e9);
      double bareTps = bareTokens / (bareNanos / 1e9);
      r.put("trainTokensPerSec", trainTps);
      r.put("bareTokensPerSec", bareTps);
      r.put("trainVsBare", trainTps / bareTps);
      try (PolicyModel fresh = new PolicyModel(cfg, tok, root, 7)) {
        Optimizer o2 = new Optimizer(fresh, 3e-4f, 0.01f, 1f);
        for (int i = 0; i < 5; i++) o2.step(loss(fresh, batches.get(i)));
        // same seed, data and steps in every child: equal hashes mean bit-identical training
        r.put("weightsSha256AfterTraining", dev.juice.model.WeightsCodec.sha256Hex(dev.juice.model.WeightsCodec.encode(fresh)));
      }
      // model FLOPs per token: 6·N (forward + backward) + attention 12·L·T·C (PaLM, appendix B)
      double flopsPerToken = 6.0 * model.parameterCount() + 12.0 * cfg.numLayers() * batches.get(0).length() * cfg.embedDim();
      r.put("trainGflops", trainTps * flopsPerToken / 1e9);
      r.put("matmulGflops", matmulGflops(root));
      r.put("mfuLike", r.get("trainGflops").asDouble() / r.get("matmulGflops").asDouble());

      long t0;
      // sampling: 32 prompts, 48 new tokens, temperature 1
      int[][] ps = new int[batch][];
      long[] seeds = new long[batch];
      for (int i = 0; i < batch; i++) {
        ps[i] = tok.encode(prompts.get(i));
        seeds[i] = i;
      }
      for (boolean cache : new boolean[] {true, false}) {
        Sampler.Options o = new Sampler.Options(48, 1f, 0, cache);
        Sampler.generate(model, ps, seeds, o); // shape warm-up
        long n = 0;
        long rowSteps = 0;
        t0 = System.nanoTime();
        int reps = cache ? 3 : 1;
        for (int i = 0; i < reps; i++) {
          Sampler.Generation g = Sampler.generate(model, ps, seeds, o);
          n += g.tokens();
          rowSteps += g.rowSteps();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        r.put(cache ? "sampleTokensPerSecCached" : "sampleTokensPerSecUncached", n / secs);
        if (cache) {
          r.put("sampleTokensPerRow", n / (double) (reps * batch));
          r.put("sampleRowStepsPerSecCached", rowSteps / secs);
        }
      }
      r.put("cacheSpeedup", r.get("sampleTokensPerSecCached").asDouble() / r.get("sampleTokensPerSecUncached").asDouble());
      // useful sampling work: a forward is 2·N FLOPs per generated token (padding rows of finished sequences not counted)
      r.put("sampleGflops", r.get("sampleTokensPerSecCached").asDouble() * 2.0 * model.parameterCount() / 1e9);
      r.put("sampleVsMatmul", r.get("sampleGflops").asDouble() / r.get("matmulGflops").asDouble());

      // reward scoring: forward only, 32 sequences per batch
      try (RewardModel rm = RewardModel.fromPolicy(model, root, 2)) {
        rm.setTrainable(false);
        long seqs = 0;
        for (int i = 0; i < 2; i++) score(rm, batches.get(i));
        t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) seqs += score(rm, batches.get(i % batches.size()));
        r.put("rewardSequencesPerSec", seqs / ((System.nanoTime() - t0) / 1e9));
      }

      if (memorySteps > 0) {
        var series = r.putArray("rssMbEvery200Steps");
        for (int i = 1; i <= memorySteps; i++) {
          opt.step(loss(model, batches.get(i % batches.size())));
          if (i % 200 == 0) series.add(rssMb("VmRSS"));
        }
      }
    }
    r.put("peakRssMb", rssMb("VmHWM"));
    Files.writeString(out, r.toString());
  }

  private static java.util.function.Function<NDManager, NDArray> loss(PolicyModel m, SequenceBatch b) {
    return s -> DjlLosses.sft(m.sequenceLogProbs(b, s));
  }

  private static void bareStep(PolicyModel m, ai.djl.training.optimizer.Optimizer adam, SequenceBatch b) {
    try (NDManager s = m.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss(m, b).apply(s));
      }
      for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
        try (NDArray g = e.getValue().getGradient()) {
          adam.update(e.getKey(), e.getValue(), g);
          g.subi(g);
        }
      }
    }
  }

  private static int score(RewardModel rm, SequenceBatch b) {
    try (NDManager s = rm.manager().newSubManager()) {
      rm.rewards(b.inputs(s), b.lastIndex(s)).toFloatArray();
      return b.size();
    }
  }

  /** GFLOP/s of a plain 1024×1024 float32 matmul, the ceiling to compare training against. */
  private static double matmulGflops(NDManager root) {
    int n = 1024;
    try (NDManager s = root.newSubManager()) {
      NDArray a = s.randomNormal(new Shape(n, n));
      NDArray b = s.randomNormal(new Shape(n, n));
      for (int i = 0; i < 3; i++) a.matMul(b).close();
      int reps = 20;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) a.matMul(b).close();
      return 2.0 * n * n * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }
  }

  static double rssMb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
