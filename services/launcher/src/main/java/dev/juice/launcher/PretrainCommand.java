package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.common.Json;
import dev.juice.datasets.EnglishCorpus;
import dev.juice.datasets.PromptSplit;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.evaluator.Generations;
import dev.juice.evaluator.WordList;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.hf.BundledBase;
import dev.juice.model.hf.HfCheckpoint;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes the base model: a BPE vocabulary and a GPT-2-architecture model pre-trained on the bundled
 * general-English corpus (never on the benchmark's sentences), written as a Hugging Face checkpoint.
 * Same options and thread count ⇒ the same sha256.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = {"Pre-train a base model on the bundled English corpus (Moby-Dick + State of the Union addresses) and write it "
        + "as a Hugging Face GPT-2 checkpoint (config.json, tokenizer.json, model.safetensors).",
        "Reports held-out corpus NLL and the real-word share of temperature-1 samples (gate: >= 0.90)."})
final class PretrainCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "small", description = "Model size: tiny, small, large, gpt2 (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--vocab", defaultValue = "4096", description = "BPE vocabulary size incl. 3 special tokens and 256 bytes (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(names = "--epochs", defaultValue = "2", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (warm-up, cosine decay) (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--sentences", defaultValue = "0", description = "Use only every k-th corpus sentence so that about this many remain (0 = all).")
  int sentences;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model", paramLabel = "DIR", description = "Continue pre-training this checkpoint (its tokenizer and size) instead of a fresh model.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint directory to write.")
  Path out;

  @Option(names = "--gate-prompts", defaultValue = "128", description = "Benchmark prompts × 4 samples for the real-word check (default: ${DEFAULT-VALUE}).")
  int gatePrompts;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    List<String> all = EnglishCorpus.sentences();
    List<String> train = new ArrayList<>();
    List<String> held = new ArrayList<>();
    int stride = sentences > 0 ? Math.max(1, all.size() / sentences) : 1;
    for (int i = 0; i < all.size(); i += stride) (i % (100 * stride) == 0 ? held : train).add(all.get(i));
    long chars = train.stream().mapToLong(String::length).sum();
    System.out.printf("corpus: %,d sentences (%,d characters) for training, %,d held out%n", train.size(), chars, held.size());
    Engines.pytorch();
    try (NDManager root = Engines.newManager()) {
      PolicyModel base;
      if (model != null) {
        base = HfCheckpoint.loadPolicy(model, root);
      } else {
        long tt = System.nanoTime();
        BpeTokenizer tok = BpeTrainer.train(train, vocab).tokenizer();
        System.out.printf("tokenizer: %,d tokens trained in %.1f s; %.2f characters per token on the corpus, %.2f on the benchmark%n",
            tok.vocabSize(), (System.nanoTime() - tt) / 1e9, charsPerToken(tok, held), charsPerToken(tok, benchmarkText()));
        base = new PolicyModel(ModelConfig.preset(preset, tok.vocabSize()), tok, root, seed);
      }
      try (base; ProgressBars bars = new ProgressBars(true)) {
        System.out.printf("model: %s, %,d parameters, context %d%n", preset, base.parameterCount(), base.config().contextLength());
        System.out.printf("held-out corpus NLL/token before: %.3f%n", Trainers.meanTextNll(base, held));
        Trainers.pretrain(base, train, new TrainConfig(epochs, 32, lr, 0.01f, 1f, seed), bars);
        bars.close();
        double nll = Trainers.meanTextNll(base, held);
        // per character: comparable across vocabularies (a bigger vocabulary has fewer, harder tokens)
        double nllPerChar = nll / charsPerToken(base.tokenizer(), held);
        HfCheckpoint.save(base, out);
        double realWords = realWordShare(base, gatePrompts, seed);
        String sha = BundledBase.sha256(out.resolve(HfCheckpoint.WEIGHTS));
        double secs = (System.nanoTime() - t0) / 1e9;
        Files.writeString(out.resolve("juice-base.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
            Json.mapper().createObjectNode().put("preset", preset).put("vocab", base.tokenizer().vocabSize()).put("epochs", epochs)
                .put("lr", lr).put("seed", seed).put("sentences", train.size()).put("parameters", base.parameterCount())
                .put("heldOutNllPerToken", nll).put("heldOutNllPerChar", nllPerChar).put("realWordShare", realWords).put("seconds", secs)
                .put("threads", Runtime.getRuntime().availableProcessors())
                .put("modelSafetensorsSha256", sha).put("tokenizerSha256", base.tokenizer().sha256())));
        System.out.printf("held-out corpus NLL/token after: %.3f (%.4f per character)%n", nll, nllPerChar);
        System.out.printf("real-word share of temperature-1 samples on %d benchmark prompts × 4: %.3f (gate >= 0.90: %s)%n",
            gatePrompts, realWords, realWords >= 0.90 ? "PASS" : "FAIL");
        System.out.printf("wrote %s (model.safetensors sha256 %s) in %.0f s%n", out, sha, secs);
      }
    }
    return 0;
  }

  static List<String> benchmarkText() {
    return UciSentiment.bundledUnique().stream().map(Sentence::text).toList();
  }

  static double charsPerToken(BpeTokenizer tok, List<String> text) {
    long c = 0;
    long t = 0;
    for (String s : text) {
      c += s.length();
      t += tok.encode(s).length;
    }
    return c / (double) Math.max(1, t);
  }

  /** Share of real words in temperature-1 continuations of benchmark prompts (every 4th sentence's prompt). */
  static double realWordShare(PolicyModel model, int prompts, long seed) {
    List<String> ps = new ArrayList<>();
    List<Sentence> s = UciSentiment.bundledUnique();
    for (int i = 0; i < s.size() && ps.size() < prompts; i += 4) PromptSplit.split(s.get(i).text(), seed).ifPresent(p -> ps.add(p.prompt()));
    WordList words = WordList.bundled();
    long[] n = new long[2];
    Generations.sample(model, null, ps, 4, 40, 1.0f, seed, row -> {
      for (String w : WordList.tokens(row.response())) {
        n[0]++;
        if (words.contains(w)) n[1]++;
      }
    });
    return n[1] / (double) Math.max(1, n[0]);
  }
}
