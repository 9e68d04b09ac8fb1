package dev.juice.pipeline;

import dev.juice.common.config.Env;
import dev.juice.common.weights.ClaimCheck;
import java.time.Duration;
import java.util.UUID;

/**
 * Settings every scaled worker (sampler, scorer) shares.
 *
 * @param instanceId this replica's id (JUICE_INSTANCE_ID, default random): part of its transactional id
 * @param maxPollRecords requests per batch (JUICE_MAX_POLL_RECORDS)
 * @param awaitWeights how long a batch may wait for the model version it needs (JUICE_AWAIT_WEIGHTS, default 10m)
 * @param exitWhenDone stop once the run's final policy version is published (JUICE_EXIT_WHEN_DONE, default true)
 * @param threads PyTorch intra-op threads (JUICE_THREADS, default 2)
 * @param claimCheck where weight versions too big for the log are read from (JUICE_BLOB_DIR,
 *     JUICE_CLAIM_CHECK_BYTES; see {@link ClaimCheck})
 */
public record WorkerSettings(String instanceId, int maxPollRecords, Duration awaitWeights, boolean exitWhenDone,
    int threads, ClaimCheck claimCheck) {
  /** Settings with the claim check of this process's environment. */
  public WorkerSettings(String instanceId, int maxPollRecords, Duration awaitWeights, boolean exitWhenDone, int threads) {
    this(instanceId, maxPollRecords, awaitWeights, exitWhenDone, threads, ClaimCheck.fromEnvironment());
  }

  public WorkerSettings {
    java.util.Objects.requireNonNull(claimCheck, "claimCheck");
  }

  public static WorkerSettings fromEnv(Env env, int defaultMaxPoll) {
    return new WorkerSettings(env.string("JUICE_INSTANCE_ID", UUID.randomUUID().toString().substring(0, 8)),
        env.integer("JUICE_MAX_POLL_RECORDS", defaultMaxPoll), env.duration("JUICE_AWAIT_WEIGHTS", Duration.ofMinutes(10)),
        env.bool("JUICE_EXIT_WHEN_DONE", true), env.integer("JUICE_THREADS", 2), ClaimCheck.fromEnv(env.asMap()));
  }
}
