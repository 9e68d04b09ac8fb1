package dev.juice.common.kafka;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The single place where topic names are made. A run (experiment namespace) owns the topics
 * {@code juice.<run>.*}; a replay is a new run name. Nothing else in the code base spells a topic name.
 */
public final class Topics {
  /** Allowed run names: they become part of topic, group and transactional ids. */
  public static final Pattern RUN_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");

  /** Topic backing the schema registry (compacted, one partition). */
  public static final String SCHEMAS = "_juice_schemas";

  private final String run;

  private Topics(String run) {
    this.run = run;
  }

  /**
   * Topic names for one run.
   *
   * @throws IllegalArgumentException if the run name is not usable in topic names
   */
  public static Topics forRun(String run) {
    if (run == null || !RUN_NAME.matcher(run).matches()) {
      throw new IllegalArgumentException(
          "run name must match " + RUN_NAME.pattern() + " (it becomes part of topic names), got: " + run);
    }
    return new Topics(run);
  }

  public String run() {
    return run;
  }

  private String name(String suffix) {
    return "juice." + run + "." + suffix;
  }

  /** JSON demonstrations from any client. */
  public String demonstrationsRaw() {
    return name("demonstrations.raw");
  }

  /** JSON preference pairs from any client. */
  public String preferencesRaw() {
    return name("preferences.raw");
  }

  /** Validated, deduplicated Avro demonstrations keyed by id. */
  public String demonstrations() {
    return name("demonstrations");
  }

  /** Validated, deduplicated Avro preference pairs keyed by id. */
  public String preferences() {
    return name("preferences");
  }

  /** Raw bytes of every rejected input record, with headers that say why. */
  public String deadLetters() {
    return name("dlq");
  }

  /** Rollout requests from the policy trainer to samplers. */
  public String rollouts() {
    return name("rollouts");
  }

  /** Policy samples from samplers. */
  public String samples() {
    return name("samples");
  }

  /** Samples with reward-model scores. */
  public String scored() {
    return name("scored");
  }

  /** Weight manifests and chunks (compacted). */
  public String weights() {
    return name("weights");
  }

  /** Metric events from every service. */
  public String metrics() {
    return name("metrics");
  }

  /** Every topic of the run, for creation and ACL checks. */
  public List<String> all() {
    return List.of(
        demonstrationsRaw(), preferencesRaw(), demonstrations(), preferences(), deadLetters(),
        rollouts(), samples(), scored(), weights(), metrics());
  }

  /** Application/consumer-group id of a service within this run. */
  public String groupId(String service) {
    return "juice." + run + "." + service;
  }
}
