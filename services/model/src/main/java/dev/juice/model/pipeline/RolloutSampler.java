package dev.juice.model.pipeline;

import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.PolicyModel;
import dev.juice.model.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the continuations a list of rollouts asks for, with one policy version. Each row's
 * random stream is seeded from its request and index only ({@link Rollout#rowSeed}), so a
 * continuation does not depend on which batch or which sampler replica produced it.
 */
public final class RolloutSampler {
  /** Rows per generation batch. */
  public static final int BATCH_ROWS = 64;

  private RolloutSampler() {}

  /** Prompt tokens as every trainer and sampler sees them: at most half the context. */
  public static int[] promptTokens(BpeTokenizer tok, String prompt, int context) {
    int[] p = tok.encode(prompt);
    int room = (context - 2) / 2;
    return p.length > room ? Arrays.copyOf(p, room) : p;
  }

  /** Demonstration tokens: the response (with its joining space) closed with EOS. */
  public static int[] responseTokens(BpeTokenizer tok, String response) {
    int[] e = tok.encodeResponse(response);
    int[] r = Arrays.copyOf(e, e.length + 1);
    r[e.length] = tok.eos();
    return r;
  }

  /** Longest continuation any row may get: what is left of the context after the longest allowed prompt. */
  public static int maxNewTokens(int context, int wanted) {
    return Math.max(1, Math.min(wanted, context - 1 - (context - 2) / 2));
  }

  public static List<Sample> generate(PolicyModel policy, long policyVersion, List<Rollout> rollouts) {
    int ctx = policy.config().contextLength();
    // rows grouped by generation options, in request order; the cap on new tokens depends only on the
    // context, never on the other prompts in a batch
    Map<List<Object>, List<Object[]>> groups = new LinkedHashMap<>();
    for (Rollout r : rollouts) {
      for (int i = 0; i < r.numSamples(); i++) {
        groups.computeIfAbsent(List.of(r.maxNewTokens(), r.temperature()), k -> new ArrayList<>()).add(new Object[] {r, i});
      }
    }
    Map<String, Sample> byId = new HashMap<>();
    for (List<Object[]> rows : groups.values()) {
      for (int from = 0; from < rows.size(); from += BATCH_ROWS) {
        int to = Math.min(rows.size(), from + BATCH_ROWS);
        int n = to - from;
        int[][] prompts = new int[n][];
        long[] seeds = new long[n];
        Rollout first = (Rollout) rows.get(from)[0];
        for (int j = 0; j < n; j++) {
          Rollout r = (Rollout) rows.get(from + j)[0];
          prompts[j] = promptTokens(policy.tokenizer(), r.prompt(), ctx);
          seeds[j] = r.rowSeed((Integer) rows.get(from + j)[1]);
        }
        Sampler.Generation g = Sampler.generate(policy, prompts, seeds,
            new Sampler.Options(maxNewTokens(ctx, first.maxNewTokens()), first.temperature(), 0, true));
        for (int j = 0; j < n; j++) {
          Rollout r = (Rollout) rows.get(from + j)[0];
          int index = (Integer) rows.get(from + j)[1];
          Sample s = new Sample(r.requestId(), index, r.demoId(), r.prompt(), g.responses()[j], g.logProbs()[j],
              policyVersion, r.round());
          byId.put(s.sampleId(), s);
        }
      }
    }
    List<Sample> out = new ArrayList<>(byId.size());
    for (Rollout r : rollouts) for (int i = 0; i < r.numSamples(); i++) out.add(byId.get(r.requestId() + "/" + i));
    return out;
  }
}
