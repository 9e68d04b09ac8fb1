package dev.juice.model.pipeline;

/**
 * A request to continue one prompt, transport-free (the Kafka form is {@code RolloutRequest}).
 *
 * @param requestId deterministic id: round and demonstration
 * @param demoId the demonstration it answers
 * @param prompt x
 * @param numSamples continuations wanted
 * @param seed seed of the request's random streams (sample i uses {@link #rowSeed(int)})
 * @param round schedule position
 * @param policyVersion policy version wanted (at least)
 * @param rewardVersion reward version the scores must come from (at least); null without a reward model
 * @param roundSamples samples the whole round expects
 * @param maxNewTokens generation length limit
 * @param temperature sampling temperature
 */
public record Rollout(String requestId, String demoId, String prompt, int numSamples, long seed, Round round,
    long policyVersion, Long rewardVersion, int roundSamples, int maxNewTokens, float temperature) {

  /** Seed of the i-th continuation: depends only on the request, never on the batch it lands in. */
  public long rowSeed(int i) {
    return seed * 1_000_003L + i;
  }

  public static String requestId(Round r, String demoId) {
    return r + "/" + demoId; // no run name: a replay that reuses recorded samples matches them by id
  }
}
