package dev.juice.launcher;

import dev.juice.avro.PolicySample;
import dev.juice.avro.RolloutRequest;
import dev.juice.avro.ScoredSample;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.TopicReader;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.pipeline.Algorithm;
import dev.juice.model.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Shared pieces of the pipeline integration tests: tiny configs, demonstrations, topic audits. */
final class PipelineFixture {
  private PipelineFixture() {}

  /** n bundled positive sentences as raw demonstration JSON. */
  static List<byte[]> demos(int n) {
    List<byte[]> out = new ArrayList<>();
    for (Sentence s : UciSentiment.bundledUnique()) {
      if (!s.positive()) continue;
      IngestCommand.demonstrationJson(s, 1).ifPresent(out::add);
      if (out.size() == n) break;
    }
    return out;
  }

  /** A tiny, quick configuration of an algorithm. */
  static PipelineConfig tiny(Algorithm a, int stages, long seed) {
    return PipelineConfig.defaults(a, seed).withStages(stages).withMaxNewTokens(24)
        .withTraining(new TrainConfig(2, 16, 1e-3f, 0f, 1f, seed), new TrainConfig(1, 8, 5e-4f, 0f, 1f, seed),
            new TrainConfig(1, 8, 5e-4f, 0f, 1f, seed));
  }

  static IngestCommand.Summary ingest(LocalStack stack, List<byte[]> raw, Path stateRoot) throws InterruptedException {
    return IngestCommand.ingest(stack, raw, "demonstrations", true, stateRoot, Duration.ofMinutes(2), false);
  }

  static List<RolloutRequest> rollouts(LocalStack stack) {
    return read(stack, stack.topics().names().rollouts(), RolloutRequest.class);
  }

  static List<PolicySample> samples(LocalStack stack) {
    return read(stack, stack.topics().names().samples(), PolicySample.class);
  }

  static List<ScoredSample> scored(LocalStack stack) {
    return read(stack, stack.topics().names().scored(), ScoredSample.class);
  }

  /** Every committed record of a topic. */
  static <T> List<T> read(LocalStack stack, String topic, Class<T> type) {
    var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
    List<T> out = new ArrayList<>();
    TopicReader.read(stack.clientProps(), topic, Map.of(), new StringDeserializer(),
        new AvroDeserializer<>(registry, type), Duration.ofMinutes(1), r -> out.add(r.value()));
    return out;
  }

  static WeightSnapshot weights(LocalStack stack) {
    return WeightSnapshot.read(stack.clientProps(), new RestSchemaRegistryClient(stack.settings().registryUrl()),
        stack.topics().names().weights(), Duration.ofMinutes(1));
  }

  /**
   * Lineage audit over committed records: every request answered by exactly its numSamples samples
   * (no sample lost, none duplicated); returns a description of every violation (empty = clean).
   */
  static List<String> auditSamples(List<RolloutRequest> requests, List<PolicySample> samples) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> wanted = new HashMap<>();
    for (RolloutRequest q : requests) {
      if (wanted.put(q.getRequestId(), q.getNumSamples()) != null) problems.add("request issued twice: " + q.getRequestId());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (PolicySample s : samples) {
      if (seen.merge(s.getSampleId(), 1, Integer::sum) > 1) problems.add("duplicate sample " + s.getSampleId());
      if (!wanted.containsKey(s.getRequestId())) problems.add("sample for an unknown request " + s.getRequestId());
    }
    for (var e : wanted.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        if (!seen.containsKey(e.getKey() + "/" + i)) problems.add("missing sample " + e.getKey() + "/" + i);
      }
    }
    return problems;
  }
}
