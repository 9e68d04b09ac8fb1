package dev.juice.ingest.config;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import dev.juice.ingest.topology.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the ingest service.
 *
 * @param run experiment namespace (JUICE_RUN, default "default")
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param stateDir Kafka Streams state directory of this instance (JUICE_STATE_DIR)
 * @param streamThreads stream threads of this instance (JUICE_STREAM_THREADS, default 1)
 * @param commitInterval transaction commit interval (JUICE_COMMIT_INTERVAL, default 100ms)
 * @param limits validation limits (JUICE_MAX_RECORD_BYTES, JUICE_MAX_PROMPT_CHARS, JUICE_MAX_RESPONSE_CHARS)
 */
public record IngestConfig(String run, KafkaSettings kafka, Path stateDir, int streamThreads,
    Duration commitInterval, Limits limits) {

  public static IngestConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    Limits d = Limits.DEFAULT;
    return new IngestConfig(
        run,
        KafkaSettings.fromEnv(env),
        env.path("JUICE_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "juice-streams", "ingest-" + run)),
        env.integer("JUICE_STREAM_THREADS", 1),
        env.duration("JUICE_COMMIT_INTERVAL", Duration.ofMillis(100)),
        new Limits(env.integer("JUICE_MAX_RECORD_BYTES", d.maxRecordBytes()),
            env.integer("JUICE_MAX_PROMPT_CHARS", d.maxPromptChars()),
            env.integer("JUICE_MAX_RESPONSE_CHARS", d.maxResponseChars()),
            d.maxAttributes()));
  }

  /** Same settings for another run or state directory (used when one process hosts several). */
  public IngestConfig with(String otherRun, Path otherStateDir) {
    return new IngestConfig(otherRun, kafka, otherStateDir, streamThreads, commitInterval, limits);
  }
}
