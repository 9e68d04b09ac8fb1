package dev.juice.launcher;

import ai.djl.ndarray.NDManager;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.model.Transformer;
import dev.juice.model.WeightsCodec;
import dev.juice.model.hf.HfCheckpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Finds a model of a run by its user-facing name (base, sft, policy, reward) and version, or a checkpoint directory. */
final class RunModels {
  /** User-facing names → names on the weights topic (the SFT policy is published as the reference). */
  static final Map<String, String> TOPIC_NAMES = Map.of("base", "base", "sft", "reference", "policy", "policy", "reward", "reward");

  private RunModels() {}

  record Chosen(Transformer model, String label, long version) {}

  static boolean isName(String model) {
    return TOPIC_NAMES.containsKey(model);
  }

  static Chosen fromRun(LocalStack stack, String run, String name, Long version, NDManager root) {
    String topicName = TOPIC_NAMES.get(name);
    var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
    String topic = stack.topics().names().weights();
    Optional<WeightSnapshot.Loaded> found = version == null
        ? WeightSnapshot.read(stack.clientProps(), registry, topic, Duration.ofMinutes(1)).latest(topicName)
        : WeightSnapshot.readVersion(stack.clientProps(), registry, topic, topicName, version, Duration.ofMinutes(1));
    WeightSnapshot.Loaded l = found.orElseThrow(() -> new IllegalArgumentException("run '" + run + "' has no " + name
        + (version == null ? " version" : " v" + version + " (the weights topic is compacted: older versions may be gone)")
        + " on " + topic));
    return new Chosen(WeightsCodec.decode(l.blob(), root), name + " of run '" + run + "'", l.version());
  }

  static Chosen fromDirectory(Path dir, Long version, NDManager root) throws java.io.IOException {
    if (version != null) throw new IllegalArgumentException("--version selects a version of a run's model; a checkpoint directory has one");
    return new Chosen(HfCheckpoint.load(dir, root), dir.toString(), 0);
  }
}
