package dev.juice.model.pipeline;

/**
 * One generated continuation, transport-free (the Kafka form is {@code PolicySample}).
 *
 * @param requestId the rollout it answers
 * @param index 0-based among the rollout's continuations
 * @param demoId demonstration the rollout answers
 * @param prompt x
 * @param tokens response token ids (with EOS if generated)
 * @param logProb Σ log π(token) under the generating policy
 * @param policyVersion policy version that generated it
 * @param round schedule position
 */
public record Sample(String requestId, int index, String demoId, String prompt, int[] tokens, double logProb,
    long policyVersion, Round round) {

  public String sampleId() {
    return requestId + "/" + index;
  }

  /** A sample with the reward a reward-model version gave it. */
  public record Scored(Sample sample, double reward, long rewardVersion) {}
}
