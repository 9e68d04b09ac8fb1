package dev.juice.launcher;

import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.GroupProgress;
import dev.juice.common.kafka.TopicCopy;
import dev.juice.common.kafka.Topics;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.PipelineEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A new experiment from a recorded run: copies run A's demonstrations and base model (and, with
 * {@code --reuse-samples}, its rollout requests, samples and scores) into run B's topics, then runs
 * B's pipeline with A's settings changed by the given flags. A's topics are only read. The same
 * inputs and seed give the same final weights.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Train a new run from a recorded run's topics, with other settings, without touching it.",
        "Copies --from-run's demonstrations and base model into --run (and with --reuse-samples its samples), then trains."})
final class ReplayCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Mixin AlgorithmOptions algo;

  @Option(names = "--from-run", required = true, description = "The recorded run to read.")
  String fromRun;

  @Option(names = "--reuse-samples", description = "Train on the recorded run's samples (and scores) as they are, "
      + "instead of regenerating them; keeps its schedule (stages, iterations, samples per prompt).")
  boolean reuseSamples;

  @Mixin WorkerOptions workers;

  @Override
  public Integer call() throws Exception {
    String run = connection.run;
    if (run.equals(fromRun)) throw new IllegalArgumentException("--run must name a new run, not --from-run " + fromRun);
    Topics from = Topics.forRun(fromRun);
    try (LocalStack stack = connection.open()) {
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      var props = stack.clientProps();
      if (!stack.admin().listTopics().names().get().contains(from.demonstrations())) {
        throw new IllegalArgumentException("run '" + fromRun + "' has no topics on " + stack.settings().bootstrapServers());
      }
      WeightSnapshot recorded = WeightSnapshot.read(props, registry, from.weights(), Duration.ofMinutes(2));
      PipelineConfig base = recorded.latest("policy").flatMap(p -> PipelineEnv.fromManifest(p.manifest().getMetrics()))
          .orElseThrow(() -> new IllegalArgumentException("run '" + fromRun + "' has no policy version recording its settings"));
      if (recorded.latest("base").isEmpty()) throw new IllegalArgumentException("run '" + fromRun + "' has no base model");
      PipelineConfig c = algo.config(base);
      if (reuseSamples && (c.stages() != base.stages() || c.iterations() != base.iterations()
          || c.samplesPerPrompt() != base.samplesPerPrompt() || c.algorithm().usesRewardModel() != base.algorithm().usesRewardModel())) {
        throw new IllegalArgumentException("--reuse-samples keeps the recorded schedule: stages, iterations, samples per "
            + "prompt and reward-model use cannot change");
      }
      Topics to = stack.topics().names();
      WeightSnapshot existing = WeightSnapshot.read(props, registry, to.weights(), Duration.ofMinutes(1));
      if (existing.latest("policy").isPresent() || existing.latest("base").isPresent()) {
        throw new IllegalArgumentException("run '" + run + "' already has weights; replay into a new --run");
      }
      Map<TopicPartition, Long> before = GroupProgress.endOffsets(stack.admin(), from.demonstrations());
      String tx = to.groupId("replay");
      long demos = TopicCopy.copy(props, from.demonstrations(), to.demonstrations(), r -> true, tx);
      long weights = TopicCopy.copy(props, from.weights(), to.weights(),
          r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith("base/"), tx);
      System.out.printf("replay %s -> %s: copied %d demonstrations and the base model (%d records)%n", fromRun, run, demos, weights);
      if (reuseSamples) {
        long q = TopicCopy.copy(props, from.rollouts(), to.rollouts(), r -> true, tx);
        long s = TopicCopy.copy(props, from.samples(), to.samples(), r -> true, tx);
        long sc = TopicCopy.copy(props, from.scored(), to.scored(), r -> true, tx);
        System.out.printf("reusing %d recorded requests, %d samples, %d scores%n", q, s, sc);
      }
      System.out.println("settings: " + PipelineEnv.toEnv(c));
      RunDriver.Outcome o = RunDriver.run(stack, run, c, workers.samplers, workers.scorers, "small", reuseSamples, true);
      for (RunDriver.Row r : o.rows()) {
        System.out.printf("  %-22s v%-3d loss %s  pairs %d  dropped %d  %.1f s%n", r.phase(), r.version(),
            Double.isNaN(r.loss()) ? "—" : String.format("%.4f", r.loss()), r.pairs(), r.dropped(), r.seconds());
      }
      if (!GroupProgress.endOffsets(stack.admin(), from.demonstrations()).equals(before)) {
        throw new IllegalStateException("run '" + fromRun + "' changed during the replay");
      }
      System.out.printf("run '%s' done: policy v%d, sha256 %s (%.1f s); run '%s' untouched%n", run, o.result().version(),
          o.result().sha256(), o.seconds(), fromRun);
    }
    return 0;
  }
}
