package dev.juice.model.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Which prompts a round uses. At each round the demonstrations known so far and not yet used in this
 * iteration are ordered by id, shuffled with a stream seeded by (seed, iteration, stage), and the
 * round takes ⌈remaining / stages left⌉ of them (the last stage of an iteration takes the rest). So
 * demonstrations that arrive while a run trains land in its later stages, and the same pool and seed
 * give the same plan wherever it is computed.
 */
public final class RoundPlanner {
  private RoundPlanner() {}

  public static List<Rollout> plan(PipelineConfig c, Round r, Collection<Demo> pool, Set<String> usedInIteration,
      long policyVersion, Long rewardVersion) {
    List<Demo> remaining = new ArrayList<>();
    for (Demo d : pool) if (!usedInIteration.contains(d.id())) remaining.add(d);
    remaining.sort(Comparator.comparing(Demo::id));
    Collections.shuffle(remaining, new Random(mix(c.seed(), r.iteration(), r.stage())));
    int stagesLeft = c.stages() - r.stage();
    int take = stagesLeft <= 1 ? remaining.size() : (remaining.size() + stagesLeft - 1) / stagesLeft;
    List<Demo> chosen = remaining.subList(0, Math.min(take, remaining.size()));
    int roundSamples = chosen.size() * c.samplesPerPrompt();
    List<Rollout> out = new ArrayList<>(chosen.size());
    for (int i = 0; i < chosen.size(); i++) {
      Demo d = chosen.get(i);
      out.add(new Rollout(Rollout.requestId(r, d.id()), d.id(), d.prompt(), c.samplesPerPrompt(),
          mix(c.seed(), r.index(), d.id().hashCode()), r, policyVersion, rewardVersion, roundSamples, c.maxNewTokens(), c.temperature()));
    }
    return out;
  }

  /** A 64-bit mix of a seed and two small integers (SplitMix64 finaliser). */
  public static long mix(long seed, long a, long b) {
    long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
