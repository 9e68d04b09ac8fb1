package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.avro.Demonstration;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.TopicReader;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.algo.BaseModels;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.LocalPipeline;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.pipeline.Convert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same IRFT workload — demonstrations, base model, stages, seed — trained by the Kafka
 * microservices (sampler + policy-trainer exchanging requests, samples and weight versions over the
 * embedded broker) and by direct calls in one process, side by side in one JVM; prints the wall-time
 * ratios for maxStaleness 0 and 1.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = {"Compare the Kafka pipeline with direct in-process calls on the same IRFT workload.",
        "Prints wall times and the ratio kafka/in-process for maxStaleness 0 (target <= 1.15) and 1 (goal < 1.0)."})
final class BenchPipelineCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "small", description = "tiny, small or large (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--demos", defaultValue = "300", description = "Demonstrations (default: ${DEFAULT-VALUE}).")
  int demos;

  @Option(names = "--stages", defaultValue = "3", description = "IRFT stages T (default: ${DEFAULT-VALUE}).")
  int stages;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    List<byte[]> raw = new ArrayList<>();
    List<String> text = new ArrayList<>();
    for (Sentence s : UciSentiment.bundledUnique()) {
      if (!s.positive() || raw.size() >= demos) continue;
      IngestCommand.demonstrationJson(s, seed).ifPresent(b -> {
        raw.add(b);
        text.add(s.text());
      });
    }
    PipelineConfig base = PipelineConfig.defaults(Algorithm.IRFT, seed).withStages(stages);
    ObjectNode out = Json.mapper().createObjectNode().put("preset", preset).put("demos", raw.size()).put("stages", stages);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "bench0", 4)) {
      IngestCommand.ingest(stack, raw, "demonstrations", true, Files.createTempDirectory("juice-bench-streams"),
          Duration.ofMinutes(5), false);
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      List<Demo> demoList = new ArrayList<>();
      TopicReader.read(stack.clientProps(), stack.topics().names().demonstrations(), Map.of(), new StringDeserializer(),
          new AvroDeserializer<>(registry, Demonstration.class), Duration.ofMinutes(1), r -> demoList.add(Convert.demo(r.value())));
      // the run a second time under another name: same demonstrations, same base model
      LocalStack second = LocalStack.external(stack.settings().bootstrapServers(), stack.settings().registryUrl(), "bench1", 4);
      IngestCommand.ingest(second, raw, "demonstrations", true, Files.createTempDirectory("juice-bench-streams"),
          Duration.ofMinutes(5), false);
      second.close();
      Engines.pytorch();
      byte[] baseBlob;
      try (NDManager root = Engines.newManager();
           PolicyModel b = BaseModels.pretrain(text, preset, BaseModels.defaultVocab(preset), TrainConfig.pretrain(seed).withEpochs(1),
               Progress.NONE, root)) {
        ModelConfig cfg = b.config();
        BpeTokenizer tok = b.tokenizer();
        System.out.printf("workload: IRFT T=%d on %d demonstrations, %s model (%,d parameters), seed %d%n", stages,
            demoList.size(), preset, b.parameterCount(), seed);
        baseBlob = WeightsCodec.encode(b);
        // warm-up: first generations and shapes in a process are slow; neither side should pay for them
        LocalPipeline.run(base.withStages(1).withTraining(base.sft().withEpochs(1), base.policy().withEpochs(1), base.reward()),
            b, new PolicyModel(cfg, tok, root, seed), demoList.subList(0, Math.min(64, demoList.size())), Progress.NONE,
            LocalPipeline.Versions.NONE);
      }
      // 1) in-process, direct calls
      long t0 = System.nanoTime();
      String inProcessSha;
      try (NDManager root = Engines.newManager();
           PolicyModel policy = WeightsCodec.decodePolicy(baseBlob, root);
           PolicyModel reference = WeightsCodec.decodePolicy(baseBlob, root)) {
        long s0 = System.nanoTime();
        double[] sftDone = {0};
        List<LocalPipeline.RoundLog> logs = LocalPipeline.run(base, policy, reference, demoList, Progress.NONE,
            (m, v, r, a) -> {
              if (r == null) sftDone[0] = (System.nanoTime() - s0) / 1e9;
            });
        StringBuilder rounds = new StringBuilder();
        for (LocalPipeline.RoundLog l : logs) rounds.append(String.format(" %.1f", l.seconds()));
        System.out.printf("  in-process: SFT %.1f s, rounds%s s%n", sftDone[0], rounds);
        inProcessSha = WeightsCodec.sha256Hex(WeightsCodec.encode(policy));
      }
      double inProcess = (System.nanoTime() - t0) / 1e9;
      System.out.printf("in-process (direct calls):          %7.1f s%n", inProcess);
      // 2) and 3) through Kafka, maxStaleness 0 and 1, after a small warm-up run of the same code
      // paths (class loading and JIT of the clients, serde and services; the in-process side had one)
      double[] kafka = new double[2];
      String[] sha = new String[2];
      for (int staleness = -1; staleness <= 1; staleness++) {
        String run = staleness < 0 ? "benchwarm" : "bench" + staleness;
        if (staleness < 0) {
          LocalStack w = LocalStack.external(stack.settings().bootstrapServers(), stack.settings().registryUrl(), run, 4);
          IngestCommand.ingest(w, raw.subList(0, Math.min(64, raw.size())), "demonstrations", true,
              Files.createTempDirectory("juice-bench-streams"), Duration.ofMinutes(5), false);
          try (WeightPublisher pub = new WeightPublisher(w.clientProps(), registry, w.topics().names().weights(), run,
              w.topics().names().groupId("bench"))) {
            pub.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of()), baseBlob);
          }
          RunDriver.run(w, run, base.withStages(1).withTraining(base.sft().withEpochs(1), base.policy().withEpochs(1),
              base.reward()), 1, 0, preset, false, false);
          w.close();
          continue;
        }
        LocalStack s = LocalStack.external(stack.settings().bootstrapServers(), stack.settings().registryUrl(), run, 4);
        try (WeightPublisher pub = new WeightPublisher(s.clientProps(), registry, s.topics().names().weights(), run,
            s.topics().names().groupId("bench"))) {
          pub.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of()), baseBlob);
        }
        long k0 = System.nanoTime();
        RunDriver.Outcome o = RunDriver.run(s, run, base.withMaxStaleness(staleness), 1, 0, preset, false, false);
        kafka[staleness] = (System.nanoTime() - k0) / 1e9;
        StringBuilder rounds = new StringBuilder();
        for (RunDriver.Row row : o.rows()) rounds.append(String.format(" %s %.1f;", row.phase(), row.seconds()));
        System.out.printf("  Kafka, maxStaleness %d:%s trainer %.1f s of %.1f s%n", staleness, rounds, o.seconds(), kafka[staleness]);
        sha[staleness] = o.result().sha256();
        s.close();
        System.out.printf("Kafka services, maxStaleness %d:     %7.1f s   ratio %.3f%n", staleness, kafka[staleness],
            kafka[staleness] / inProcess);
      }
      System.out.printf("%nratio kafka/in-process, maxStaleness 0: %.3f (target <= 1.15)%n", kafka[0] / inProcess);
      System.out.printf("ratio kafka/in-process, maxStaleness 1: %.3f (goal < 1.0)%n", kafka[1] / inProcess);
      System.out.printf("same final weights, in-process vs Kafka (maxStaleness 0): %s%n", inProcessSha.equals(sha[0]) ? "yes" : "no");
      out.put("inProcessSeconds", inProcess).put("kafkaSeconds0", kafka[0]).put("kafkaSeconds1", kafka[1])
          .put("ratio0", kafka[0] / inProcess).put("ratio1", kafka[1] / inProcess).put("sameWeights0", inProcessSha.equals(sha[0]));
    }
    if (json != null) Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    return 0;
  }
}
