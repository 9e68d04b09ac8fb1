package dev.juice.model.pipeline;

import ai.djl.ndarray.NDManager;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.algo.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole run after the base model — SFT, then the algorithm's rounds — driven in one process with
 * direct calls: the same planner, sampler and learners the Kafka services use, without Kafka. It is
 * the reference the pipeline benchmark compares the microservices against, and what tests use to
 * check the services compute the same thing.
 */
public final class LocalPipeline {
  private LocalPipeline() {}

  /** Receives every version the run produces (policy after SFT and after each round; reward per round). */
  public interface Versions {
    void onVersion(String model, long version, Round round, String algorithm);

    Versions NONE = (m, v, r, a) -> { };
  }

  /** Per-round figures. */
  public record RoundLog(Round round, int rollouts, int samples, PolicyLearner.RoundResult policy,
      RewardLearner.RoundResult reward, double seconds) {}

  /**
   * @param policy starts as the base model; ends as the run's final policy
   * @param reference a model of the same shape (overwritten)
   * @param demos the demonstrations (all known at the start)
   */
  public static List<RoundLog> run(PipelineConfig c, PolicyModel policy, PolicyModel reference, List<Demo> demos,
      Progress progress, Versions versions) {
    PolicyLearner learner = new PolicyLearner(policy, reference, c);
    learner.sft(demos, progress);
    versions.onVersion("policy", 1, null, "sft");
    return rounds(c, policy, reference, demos, progress, versions);
  }

  /**
   * The algorithm's rounds only, from a policy that is already the SFT model (so several algorithms
   * can start from one SFT run); the reference is set to it.
   */
  public static List<RoundLog> rounds(PipelineConfig c, PolicyModel policy, PolicyModel reference, List<Demo> demos,
      Progress progress, Versions versions) {
    if (c.algorithm().usesRewardModel() && !c.algorithm().rewardPerRound()) {
      throw new IllegalArgumentException(c.algorithm().label() + " needs its reward model: use rounds(..., fixedReward)");
    }
    return rounds(c, policy, reference, demos, progress, versions, null);
  }

  /**
   * As above; SER-RFT passes the reward model SER learned ({@code fixedReward}, reward version 1),
   * which scores every round and is not trained further.
   */
  public static List<RoundLog> rounds(PipelineConfig c, PolicyModel policy, PolicyModel reference, List<Demo> demos,
      Progress progress, Versions versions, RewardModel fixedReward) {
    PolicyLearner learner = new PolicyLearner(policy, reference, c);
    long version = 1;
    learner.freezeReference();
    List<RoundLog> logs = new ArrayList<>();
    if (c.rounds() == 0) return logs;
    Map<String, Demo> byId = new HashMap<>();
    for (Demo d : demos) byId.put(d.id(), d);
    try (NDManager rmManager = policy.manager().newSubManager()) {
      RewardLearner rewards = !c.algorithm().usesRewardModel() ? null
          : c.algorithm().rewardPerRound() ? new RewardLearner(RewardModel.fromPolicy(policy, rmManager, c.seed()), c)
          : new RewardLearner(java.util.Objects.requireNonNull(fixedReward, "SER-RFT needs the SER reward model"), c);
      Set<String> used = new HashSet<>();
      for (int i = 0; i < c.rounds(); i++) {
        long t0 = System.nanoTime();
        Round r = Round.of(i, c.stages());
        if (r.stage() == 0) used.clear();
        List<Rollout> plan = RoundPlanner.plan(c, r, demos, used, version, c.algorithm().rewardVersionFor(i));
        plan.forEach(p -> used.add(p.demoId()));
        List<Sample> samples = RolloutSampler.generate(policy, version, plan);
        learner.startRound(r);
        PolicyLearner.RoundResult pr;
        RewardLearner.RoundResult rr = null;
        if (rewards != null) {
          if (c.algorithm().rewardPerRound()) {
            rr = rewards.round(r, byId, samples, progress);
            versions.onVersion("reward", i + 1, r, "rft");
          }
          long rv = c.algorithm().rewardVersionFor(i);
          double[] scores = rewards.scoreSamples(samples);
          List<Sample.Scored> scored = new ArrayList<>(samples.size());
          for (int j = 0; j < samples.size(); j++) scored.add(new Sample.Scored(samples.get(j), scores[j], rv));
          pr = learner.rftRound(r, scored, progress);
        } else {
          pr = learner.irftRound(r, byId, samples, progress);
        }
        version++;
        versions.onVersion("policy", version, r, c.algorithm().label());
        logs.add(new RoundLog(r, plan.size(), samples.size(), pr, rr, (System.nanoTime() - t0) / 1e9));
      }
      if (rewards != null && fixedReward == null) rewards.model().close();
    }
    return logs;
  }
}
