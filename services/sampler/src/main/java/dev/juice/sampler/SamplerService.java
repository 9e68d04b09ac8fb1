package dev.juice.sampler;

import dev.juice.avro.RolloutRequest;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.Topics;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.pipeline.Rollout;
import dev.juice.model.pipeline.RolloutSampler;
import dev.juice.model.pipeline.Sample;
import dev.juice.pipeline.Convert;
import dev.juice.pipeline.ExactlyOnceWorker;
import dev.juice.pipeline.HotSwapModel;
import dev.juice.pipeline.WeightsWatch;
import dev.juice.pipeline.WorkerRuntime;
import ai.djl.ndarray.NDManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler: a consumer-group member on {@code juice.<run>.rollouts}. For each batch of requests it
 * takes the newest policy version it holds — waiting until it holds at least the version the requests
 * want — generates their continuations, and writes one {@code PolicySample} per continuation to
 * {@code juice.<run>.samples} with the version that produced it, in the transaction that commits the
 * batch's offsets. Replicas share the work through partition assignment; a killed replica's
 * uncommitted batch is aborted and redone by the replica that takes its partitions.
 */
public final class SamplerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SamplerService.class);

  private final SamplerConfig config;
  private final Topics topics;
  private final NDManager manager;
  private final HotSwapModel<PolicyModel> policy;
  private final WeightsWatch watch;
  private final MetricsPublisher metrics;
  private WorkerRuntime runtime; // set at the end of the constructor; the handler reads it only once running
  private long samples;

  private SamplerService(SamplerConfig config) {
    this.config = config;
    this.topics = Topics.forRun(config.run());
    Engines.pytorch(config.worker().threads());
    SchemaRegistryClient registry = new RestSchemaRegistryClient(config.kafka().registryUrl());
    Map<String, Object> props = config.kafka().clientProps();
    this.manager = Engines.newManager();
    this.policy = new HotSwapModel<>(blob -> WeightsCodec.decodePolicy(blob, manager), "policy",
        config.worker().instanceId());
    this.watch = new WeightsWatch(props, registry, topics.weights(), Map.of("policy", policy), config.worker().claimCheck());
    this.metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "sampler", config.worker().instanceId());
    AvroDeserializer<RolloutRequest> requests = new AvroDeserializer<>(registry, RolloutRequest.class);
    ExactlyOnceWorker worker = new ExactlyOnceWorker("sampler-" + config.worker().instanceId(), props, registry, topics.rollouts(),
        topics.groupId("sampler"), topics.groupId("sampler") + "-" + config.worker().instanceId(),
        config.worker().maxPollRecords(), topics.deadLetters(), (batch, sink) -> {
          List<Rollout> rollouts = new ArrayList<>();
          Map<String, Rollout> byId = new HashMap<>();
          long wanted = 0;
          for (ConsumerRecord<String, byte[]> r : batch) {
            RolloutRequest q;
            try {
              q = requests.deserialize(r.topic(), r.value());
            } catch (RuntimeException e) {
              // a registry outage is not a bad record: fail the batch, it is aborted and read again
              if (dev.juice.common.avro.RegistryUnavailableException.in(e)) throw e;
              sink.deadLetter(r, "not a RolloutRequest: " + e.getClass().getSimpleName(), e);
              continue;
            }
            String problem = invalid(q);
            if (problem != null) {
              sink.deadLetter(r, problem, null);
              continue;
            }
            Rollout ro = Convert.rollout(q, 1); // the sampler passes the round through; its run-wide index is unused here
            rollouts.add(ro);
            byId.put(ro.requestId(), ro);
            wanted = Math.max(wanted, ro.policyVersion());
          }
          if (rollouts.isEmpty()) return;
          PolicyModel model = policy.atLeast(wanted, config.worker().awaitWeights(), () -> this.runtime.running());
          if (model == null) throw new TimeoutException("policy v" + wanted + " not available (holding v" + policy.available() + ")");
          long version = policy.loaded();
          long t0 = System.nanoTime();
          List<Sample> out = RolloutSampler.generate(model, version, rollouts);
          long tokens = 0;
          for (Sample s : out) {
            Rollout ro = byId.get(s.requestId());
            sink.send(topics.samples(), s.requestId(), Convert.sample(config.run(), ro, s, model.tokenizer().decodeResponse(s.tokens())));
            tokens += s.tokens().length;
          }
          double secs = (System.nanoTime() - t0) / 1e9;
          samples += out.size();
          metrics.publish("sampler.tokens_per_sec", tokens / secs, samples, version, Map.of());
          metrics.publish("sampler.staleness", version - wanted, samples, version, Map.of());
        });
    this.runtime = new WorkerRuntime("sampler-" + config.worker().instanceId(), worker,
        List.of(watch, metrics, policy::close, manager));
  }

  /** Request fields the sampler cannot honour; the message names the rule, never the text. */
  String invalid(RolloutRequest q) {
    if (q.getNumSamples() < 1 || q.getNumSamples() > config.maxSamplesPerRequest()) {
      return "numSamples " + q.getNumSamples() + " outside 1.." + config.maxSamplesPerRequest();
    }
    if (q.getMaxNewTokens() < 1) return "maxNewTokens " + q.getMaxNewTokens() + " < 1";
    if (!(q.getTemperature() >= 0) || q.getTemperature() > 10) return "temperature outside [0, 10]";
    if (q.getLineage().getPolicyVersion() == null) return "lineage.policyVersion missing";
    if (q.getLineage().getDemonstrationId() == null) return "lineage.demonstrationId missing";
    return null;
  }

  /** Live while the worker loop runs; ready when it is connected to the broker and holds a policy version. */
  public dev.juice.common.ops.OpsServer.Health health() {
    return runtime.health("policy", policy, watch);
  }

  public static SamplerService start(SamplerConfig config) {
    SamplerService s = new SamplerService(config);
    s.runtime.start(config.worker().exitWhenDone() ? s.watch::finished : null);
    log.info("sampler {} started for run '{}'", config.worker().instanceId(), config.run());
    return s;
  }

  /** Waits until the worker stopped (closed, fenced, or the run finished). */
  public void await() throws InterruptedException {
    runtime.await();
  }

  public long samples() {
    return samples;
  }

  public ExactlyOnceWorker worker() {
    return runtime.worker();
  }

  @Override
  public void close() {
    runtime.close();
  }

  public static void main(String[] args) throws InterruptedException {
    SamplerConfig config = SamplerConfig.fromEnv(System.getenv());
    log.info("starting sampler {}: run={}, kafka={}", config.worker().instanceId(), config.run(), config.kafka());
    dev.juice.common.ops.OpsServer.install();
    SamplerService s = start(config);
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("sampler", System.getenv(), s::health);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      s.close();
      if (ops != null) ops.close();
    }, "sampler-shutdown"));
    s.await();
    if (ops != null) ops.close(); // the run finished: let the JVM exit
  }
}
