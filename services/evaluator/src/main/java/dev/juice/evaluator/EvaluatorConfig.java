package dev.juice.evaluator;

import dev.juice.common.config.Env;
import dev.juice.common.config.KafkaSettings;
import dev.juice.common.kafka.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * Configuration of a run's evaluator.
 *
 * @param run experiment namespace (JUICE_RUN)
 * @param kafka bootstrap, registry and KAFKA_* client settings
 * @param prompts JSONL file of {"prompt": ...} lines (JUICE_EVAL_PROMPTS); null = the bundled
 *     benchmark's held-out prompts for {@code seed}
 * @param maxPrompts evaluate at most this many prompts per version (JUICE_EVAL_MAX_PROMPTS, default 128)
 * @param samplesPerPrompt samples per prompt at temperature 1.0 (JUICE_EVAL_SAMPLES, default 4)
 * @param seed split and sampling seed (JUICE_SEED, default 1)
 * @param report directory for the Markdown summary and plots (JUICE_EVAL_REPORT, default runs/<run>/eval)
 * @param exitWhenDone stop after evaluating the run's final policy version (JUICE_EXIT_WHEN_DONE, default true)
 * @param gold whether to score with the VADER gold reward (JUICE_EVAL_GOLD=vader, the default) or not
 *     (none: a user's own task, where VADER sentiment means nothing — KL, distinct-2 and real-word
 *     share are still reported, and {@code juice generate} exports samples for outside scoring)
 */
public record EvaluatorConfig(String run, KafkaSettings kafka, Path prompts, int maxPrompts, int samplesPerPrompt,
    long seed, Path report, boolean exitWhenDone, boolean gold) {
  /** Reads {@code vader} or {@code none}. */
  public static boolean parseGold(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "vader" -> true;
      case "none" -> false;
      default -> throw new IllegalArgumentException("gold reward must be 'vader' or 'none', not '" + s + "'");
    };
  }

  public static EvaluatorConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new EvaluatorConfig(run, KafkaSettings.fromEnv(env), env.path("JUICE_EVAL_PROMPTS", null),
        env.integer("JUICE_EVAL_MAX_PROMPTS", 128), env.integer("JUICE_EVAL_SAMPLES", 4), env.longValue("JUICE_SEED", 1),
        env.path("JUICE_EVAL_REPORT", Path.of("runs", run, "eval")), env.bool("JUICE_EXIT_WHEN_DONE", true),
        parseGold(env.string("JUICE_EVAL_GOLD", "vader")));
  }
}
