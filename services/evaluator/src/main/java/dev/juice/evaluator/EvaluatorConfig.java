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
 */
public record EvaluatorConfig(String run, KafkaSettings kafka, Path prompts, int maxPrompts, int samplesPerPrompt,
    long seed, Path report, boolean exitWhenDone) {
  public static EvaluatorConfig fromEnv(Map<String, String> environment) {
    Env env = new Env(environment);
    String run = env.string("JUICE_RUN", "default");
    Topics.forRun(run);
    return new EvaluatorConfig(run, KafkaSettings.fromEnv(env), env.path("JUICE_EVAL_PROMPTS", null),
        env.integer("JUICE_EVAL_MAX_PROMPTS", 128), env.integer("JUICE_EVAL_SAMPLES", 4), env.longValue("JUICE_SEED", 1),
        env.path("JUICE_EVAL_REPORT", Path.of("runs", run, "eval")), env.bool("JUICE_EXIT_WHEN_DONE", true));
  }
}
