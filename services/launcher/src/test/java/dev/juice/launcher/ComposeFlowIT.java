package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.evaluator.EvaluatorService;
import dev.juice.ingest.IngestService;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.policytrainer.PolicyTrainerService;
import dev.juice.sampler.SamplerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * compose.yaml's topology without containers: a broker and registry, `juice topics` as topic-init,
 * ingest, two samplers, the policy-trainer (awaiting the base) and the evaluator as separate JVMs
 * started from their mains with environment-only configuration, and the driver
 * (`juice run --external-services`) feeding the data and waiting for the final policy.
 */
class ComposeFlowIT {
  @TempDir Path tmp;
  private ChildProcesses children;

  @org.junit.jupiter.api.BeforeEach
  void children() {
    children = new ChildProcesses(tmp);
  }

  @AfterEach
  void stopChildren() throws Exception {
    children.close();
  }

  private Process spawn(Class<?> main, Map<String, String> env, String name) throws Exception {
    return children.spawn(main, env, name);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void theComposeExperimentRunsAsSeparateServices() throws Exception {
    String run = "compose";
    PipelineConfig c = RunCommand.quickDefaults(Algorithm.IRFT, 1);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "other", 2)) { // kafka + schema-registry
      String bs = stack.settings().bootstrapServers();
      String url = stack.settings().registryUrl();
      String topics = Cli.juice("topics", "--bootstrap", bs, "--registry", url, "--run", run, "--partitions", "2");
      assertTrue(topics.contains("10 topics of run 'compose' present"), topics);

      Map<String, String> env = Pipelines.env(stack.settings(), run, c);
      env.put("JUICE_THREADS", "1");
      Map<String, String> ingest = new HashMap<>(env);
      ingest.put("JUICE_STATE_DIR", tmp.resolve("streams").toString());
      spawn(IngestService.class, ingest, "ingest");
      for (String id : List.of("a", "b")) {
        Map<String, String> e = new HashMap<>(env);
        e.put("JUICE_INSTANCE_ID", id);
        spawn(SamplerService.class, e, "sampler-" + id);
      }
      Map<String, String> trainer = new HashMap<>(env);
      trainer.put("JUICE_BASE", "await");
      Process policyTrainer = spawn(PolicyTrainerService.class, trainer, "policy-trainer");
      Map<String, String> eval = new HashMap<>(env);
      eval.put("JUICE_EVAL_REPORT", tmp.resolve("eval").toString());
      eval.put("JUICE_EVAL_MAX_PROMPTS", "8");
      Process evaluator = spawn(EvaluatorService.class, eval, "evaluator");

      String out = Cli.juiceOr(() -> children.tails(25), "run", "--quick", "--external-services", "--bootstrap", bs, "--registry", url, "--run", run,
          "--out", tmp.toString());
      assertTrue(out.contains("ingest: sent 112, accepted 112"), out + children.tails(25));
      assertTrue(out.contains("Final policy v3"), out + children.tails(25));
      assertTrue(out.matches("(?s).*Held-out response NLL/token.*base .*SFT .*irft .*"), out);
      assertTrue(policyTrainer.waitFor(60, TimeUnit.SECONDS), "the policy-trainer exits after the final version" + children.tails(25));
      assertEquals(0, policyTrainer.exitValue(), children.tails(25));
      assertTrue(evaluator.waitFor(180, TimeUnit.SECONDS), "the evaluator exits after scoring the final version" + children.tails(25));
      String report = Files.readString(tmp.resolve("eval/summary.md"));
      assertTrue(report.contains("| v3 | irft |"), report);
      var metrics = dev.juice.common.Json.mapper().readTree(tmp.resolve("compose/metrics.json").toFile());
      assertEquals(3, metrics.get("finalPolicyVersion").asInt());
    }
  }
}
