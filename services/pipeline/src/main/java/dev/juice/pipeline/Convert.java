package dev.juice.pipeline;

import dev.juice.avro.Demonstration;
import dev.juice.avro.Lineage;
import dev.juice.avro.PreferenceLabel;
import dev.juice.avro.PreferencePair;
import dev.juice.avro.PolicySample;
import dev.juice.avro.RolloutRequest;
import dev.juice.avro.ScoredSample;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.Preference;
import dev.juice.model.pipeline.Rollout;
import dev.juice.model.pipeline.Round;
import dev.juice.model.pipeline.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The transport-free pipeline records ⇄ their Avro forms on the topics. */
public final class Convert {
  private Convert() {}

  public static Demo demo(Demonstration d) {
    return new Demo(d.getId(), d.getPrompt(), d.getResponse());
  }

  /** A pair as SER sees it: the training label (null when unlabelled) and the hidden one kept apart. */
  public static Preference preference(PreferencePair p) {
    return new Preference(p.getId(), p.getPrompt(), p.getResponseA(), p.getResponseB(), aPreferred(p.getLabel()),
        aPreferred(p.getHiddenLabel()));
  }

  private static Boolean aPreferred(PreferenceLabel l) {
    if (l == PreferenceLabel.A) return true;
    if (l == PreferenceLabel.B) return false;
    return null; // absent, or a symbol this reader does not know (UNKNOWN): unlabelled
  }

  public static RolloutRequest request(String run, Rollout r) {
    return RolloutRequest.newBuilder()
        .setRequestId(r.requestId())
        .setLineage(Lineage.newBuilder().setRunId(run).setPolicyVersion(r.policyVersion())
            .setRewardVersion(r.rewardVersion()).setDemonstrationId(r.demoId()).setSeed(r.seed()).build())
        .setPrompt(r.prompt()).setNumSamples(r.numSamples()).setTemperature(r.temperature()).setTopK(0)
        .setMaxNewTokens(r.maxNewTokens()).setStage(r.round().stage()).setIteration(r.round().iteration())
        .setRoundSamples(r.roundSamples()).setCreatedAt(Instant.now()).build();
  }

  /** @param stagesPerIteration to recover the round's run-wide index */
  public static Rollout rollout(RolloutRequest q, int stagesPerIteration) {
    Lineage l = q.getLineage();
    return new Rollout(q.getRequestId(), l.getDemonstrationId(), q.getPrompt(), q.getNumSamples(), l.getSeed(),
        round(q.getIteration(), q.getStage(), stagesPerIteration), l.getPolicyVersion() == null ? 0 : l.getPolicyVersion(),
        l.getRewardVersion(), q.getRoundSamples(), q.getMaxNewTokens(), q.getTemperature());
  }

  /** The Avro sample, with the tokens decoded to text for readers of the topic. */
  public static PolicySample sample(String run, Rollout r, Sample s, String responseText) {
    return PolicySample.newBuilder()
        .setSampleId(s.sampleId()).setRequestId(s.requestId()).setSampleIndex(s.index())
        .setLineage(Lineage.newBuilder().setRunId(run).setPolicyVersion(s.policyVersion())
            .setRewardVersion(r.rewardVersion()).setDemonstrationId(s.demoId()).setSeed(r.rowSeed(s.index())).build())
        .setPrompt(s.prompt()).setResponse(responseText).setTokens(ints(s.tokens())).setLogProbPolicy(s.logProb())
        .setLogProbReference(null).setStage(s.round().stage()).setIteration(s.round().iteration())
        .setRoundSamples(r.roundSamples()).setCreatedAt(Instant.now()).build();
  }

  public static Sample sample(PolicySample p, int stagesPerIteration) {
    int[] tokens = new int[p.getTokens().size()];
    for (int i = 0; i < tokens.length; i++) tokens[i] = p.getTokens().get(i);
    Long v = p.getLineage().getPolicyVersion();
    return new Sample(p.getRequestId(), p.getSampleIndex(), p.getLineage().getDemonstrationId(), p.getPrompt(), tokens,
        p.getLogProbPolicy(), v == null ? 0 : v, round(p.getIteration(), p.getStage(), stagesPerIteration));
  }

  public static ScoredSample scored(PolicySample p, double reward, long rewardVersion) {
    return ScoredSample.newBuilder().setSample(p).setReward(reward).setDemonstrationReward(null)
        .setRewardVersion(rewardVersion).setScoredAt(Instant.now()).build();
  }

  public static Sample.Scored scored(ScoredSample s, int stagesPerIteration) {
    return new Sample.Scored(sample(s.getSample(), stagesPerIteration), s.getReward(), s.getRewardVersion());
  }

  static Round round(int iteration, int stage, int stagesPerIteration) {
    return new Round(iteration * stagesPerIteration + stage, iteration, stage);
  }

  private static List<Integer> ints(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int x : a) l.add(x);
    return l;
  }
}
