package dev.juice.scorer;

import ai.djl.ndarray.NDManager;
import dev.juice.avro.PolicySample;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.Topics;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.model.Engines;
import dev.juice.model.RewardModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.pipeline.RewardLearner;
import dev.juice.pipeline.Convert;
import dev.juice.pipeline.ExactlyOnceWorker;
import dev.juice.pipeline.HotSwapModel;
import dev.juice.pipeline.WeightsWatch;
import dev.juice.pipeline.WorkerRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer: a consumer-group member on {@code juice.<run>.samples}. Samples that ask for a reward
 * (RFT: lineage.rewardVersion set) are scored with the newest reward-model version it holds, at least
 * the one asked for, and written to {@code juice.<run>.scored} naming that version, in the
 * transaction that commits the batch's offsets. Samples of runs without a reward model pass through
 * unscored (only their offsets are committed).
 */
public final class ScorerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScorerService.class);

  private final NDManager manager;
  private final HotSwapModel<RewardModel> reward;
  private final WeightsWatch watch;
  private final MetricsPublisher metrics;
  private WorkerRuntime runtime; // set at the end of the constructor; the handler reads it only once running
  private final ScorerConfig config;
  private long scored;

  private ScorerService(ScorerConfig config) {
    this.config = config;
    Topics topics = Topics.forRun(config.run());
    Engines.pytorch(config.worker().threads());
    SchemaRegistryClient registry = new RestSchemaRegistryClient(config.kafka().registryUrl());
    Map<String, Object> props = config.kafka().clientProps();
    this.manager = Engines.newManager();
    this.reward = new HotSwapModel<>(blob -> (RewardModel) WeightsCodec.decode(blob, manager), "reward",
        config.worker().instanceId());
    this.watch = new WeightsWatch(props, registry, topics.weights(), Map.of("reward", reward), config.worker().claimCheck());
    this.metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "scorer", config.worker().instanceId());
    AvroDeserializer<PolicySample> samples = new AvroDeserializer<>(registry, PolicySample.class);
    ExactlyOnceWorker worker = new ExactlyOnceWorker("scorer-" + config.worker().instanceId(), props, registry, topics.samples(),
        topics.groupId("scorer"), topics.groupId("scorer") + "-" + config.worker().instanceId(),
        config.worker().maxPollRecords(), topics.deadLetters(), (batch, sink) -> {
          List<PolicySample> todo = new ArrayList<>();
          long wanted = 0;
          for (ConsumerRecord<String, byte[]> r : batch) {
            PolicySample p;
            try {
              p = samples.deserialize(r.topic(), r.value());
            } catch (RuntimeException e) {
              // a registry outage is not a bad record: fail the batch, it is aborted and read again
              if (dev.juice.common.avro.RegistryUnavailableException.in(e)) throw e;
              sink.deadLetter(r, "not a PolicySample: " + e.getClass().getSimpleName(), e);
              continue;
            }
            if (p.getLineage().getRewardVersion() == null) continue; // no reward wanted
            todo.add(p);
            wanted = Math.max(wanted, p.getLineage().getRewardVersion());
          }
          if (todo.isEmpty()) return;
          RewardModel rm = reward.atLeast(wanted, config.worker().awaitWeights(), () -> this.runtime.running());
          if (rm == null) throw new TimeoutException("reward v" + wanted + " not available (holding v" + reward.available() + ")");
          long version = reward.loaded();
          double[] r = RewardLearner.scoreSamples(rm, todo.stream().map(p -> Convert.sample(p, 1)).toList());
          for (int i = 0; i < todo.size(); i++) {
            sink.send(topics.scored(), todo.get(i).getRequestId(), Convert.scored(todo.get(i), r[i], version));
          }
          scored += todo.size();
          metrics.publish("scorer.scored", scored, scored, version, Map.of());
        });
    this.runtime = new WorkerRuntime("scorer-" + config.worker().instanceId(), worker,
        List.of(watch, metrics, reward::close, manager));
  }

  /** Live while the worker loop runs; ready when it is connected to the broker and holds a reward version. */
  public dev.juice.common.ops.OpsServer.Health health() {
    return runtime.health("reward", reward, watch);
  }

  public static ScorerService start(ScorerConfig config) {
    ScorerService s = new ScorerService(config);
    s.runtime.start(config.worker().exitWhenDone() ? s.watch::finished : null);
    log.info("scorer {} started for run '{}'", config.worker().instanceId(), config.run());
    return s;
  }

  public void await() throws InterruptedException {
    runtime.await();
  }

  public long scored() {
    return scored;
  }

  @Override
  public void close() {
    runtime.close();
  }

  public static void main(String[] args) throws InterruptedException {
    ScorerConfig config = ScorerConfig.fromEnv(System.getenv());
    log.info("starting scorer {}: run={}, kafka={}", config.worker().instanceId(), config.run(), config.kafka());
    dev.juice.common.ops.OpsServer.install();
    ScorerService s = start(config);
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("scorer", System.getenv(), s::health);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      s.close();
      if (ops != null) ops.close();
    }, "scorer-shutdown"));
    s.await();
    if (ops != null) ops.close(); // the run finished: let the JVM exit
  }
}
