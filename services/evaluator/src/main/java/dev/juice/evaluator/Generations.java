package dev.juice.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.Sampler;
import dev.juice.model.pipeline.RolloutSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * n samples per prompt from a policy, in batches, each row seeded from (seed, row) — what the
 * evaluator scores and what {@code juice generate} exports. Also reads prompt files.
 */
public final class Generations {
  private Generations() {}

  /**
   * One generated continuation.
   *
   * @param promptIndex index into the prompts
   * @param sample 0-based among the prompt's samples
   * @param response decoded text, without the closing EOS
   * @param seed the row's sampling seed
   * @param logProb Σ log π of the generated tokens
   * @param refLogProb Σ log π_ref of the same tokens (NaN without a reference)
   * @param tokens generated tokens, the closing EOS included
   * @param finished whether the row emitted EOS (else it stopped at the length limit)
   */
  public record Row(int promptIndex, int sample, String response, long seed, double logProb, double refLogProb, int tokens,
      boolean finished) {}

  public static void sample(PolicyModel policy, PolicyModel reference, List<String> prompts, int samplesPerPrompt,
      int maxNewTokens, float temperature, long seed, Consumer<Row> each) {
    BpeTokenizer tok = policy.tokenizer();
    int ctx = policy.config().contextLength();
    int rows = prompts.size() * samplesPerPrompt;
    Sampler.Options options = new Sampler.Options(RolloutSampler.maxNewTokens(ctx, maxNewTokens), temperature, 0, true);
    for (int from = 0; from < rows; from += RolloutSampler.BATCH_ROWS) {
      int to = Math.min(rows, from + RolloutSampler.BATCH_ROWS);
      int[][] ps = new int[to - from][];
      long[] seeds = new long[to - from];
      for (int r = from; r < to; r++) {
        ps[r - from] = RolloutSampler.promptTokens(tok, prompts.get(r / samplesPerPrompt), ctx);
        seeds[r - from] = seed * 1_000_003L + r;
      }
      Sampler.Generation g = Sampler.generate(policy, reference, ps, seeds, options);
      for (int r = from; r < to; r++) {
        int[] resp = g.responses()[r - from];
        int n = resp.length > 0 && resp[resp.length - 1] == tok.eos() ? resp.length - 1 : resp.length;
        each.accept(new Row(r / samplesPerPrompt, r % samplesPerPrompt, tok.decodeResponse(Arrays.copyOf(resp, n)), seeds[r - from],
            g.logProbs()[r - from], g.referenceLogProbs() == null ? Double.NaN : g.referenceLogProbs()[r - from], resp.length,
            g.finished()[r - from]));
      }
    }
  }

  /** Prompts from a JSONL file of {"prompt": "..."} lines (blank lines skipped); errors name the line. */
  public static List<String> readPrompts(Path file) {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    try {
      int line = 0;
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        line++;
        if (l.isBlank()) continue;
        JsonNode n;
        try {
          n = json.readTree(l);
        } catch (IOException e) {
          throw new IllegalArgumentException(file + " line " + line + ": not JSON");
        }
        if (!n.path("prompt").isTextual() || n.get("prompt").asText().isBlank()) {
          throw new IllegalArgumentException(file + " line " + line + ": expected {\"prompt\": \"...\"}");
        }
        out.add(n.get("prompt").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
