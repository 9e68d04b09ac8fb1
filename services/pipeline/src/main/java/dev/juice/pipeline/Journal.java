package dev.juice.pipeline;

import dev.juice.avro.RolloutRequest;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.TopicReader;
import dev.juice.model.pipeline.Rollout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The rollout requests a run has issued, by round. The rollouts topic is the policy-trainer's
 * journal: a round's requests are written in the same transaction as the policy version they want,
 * so on restart the trainer finds exactly the plans it had committed, and never issues a round twice.
 */
public final class Journal {
  private final TreeMap<Integer, Map<String, Rollout>> rounds = new TreeMap<>();

  public static Journal read(Map<String, Object> clientProps, SchemaRegistryClient registry, String topic,
      int stagesPerIteration, Duration timeout) {
    Journal j = new Journal();
    TopicReader.read(clientProps, topic, Map.of(), new StringDeserializer(),
        new AvroDeserializer<>(registry, RolloutRequest.class), timeout,
        r -> j.add(Convert.rollout(r.value(), stagesPerIteration)));
    return j;
  }

  public void add(Rollout r) {
    rounds.computeIfAbsent(r.round().index(), k -> new LinkedHashMap<>()).putIfAbsent(r.requestId(), r);
  }

  public boolean has(int round) {
    return rounds.containsKey(round);
  }

  public List<Rollout> round(int round) {
    return new ArrayList<>(rounds.getOrDefault(round, Map.of()).values());
  }

  /** Demonstrations already planned in an iteration before a given round. */
  public Set<String> usedBefore(int iteration, int roundIndex) {
    Set<String> used = new HashSet<>();
    rounds.headMap(roundIndex, false).values().forEach(m -> m.values().forEach(r -> {
      if (r.round().iteration() == iteration) used.add(r.demoId());
    }));
    return used;
  }
}
