package dev.juice.policytrainer;

import ai.djl.ndarray.NDManager;
import dev.juice.avro.ModelKind;
import dev.juice.avro.PolicySample;
import dev.juice.avro.ScoredSample;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.Topics;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.model.algo.BaseModels;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.algo.TrainConfig;
import dev.juice.model.algo.Trainers;
import dev.juice.model.pipeline.Demo;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.PolicyLearner;
import dev.juice.model.pipeline.Rollout;
import dev.juice.model.pipeline.RoundPlanner;
import dev.juice.model.pipeline.Round;
import dev.juice.model.pipeline.Sample;
import dev.juice.pipeline.Convert;
import dev.juice.pipeline.DemoFeed;
import dev.juice.pipeline.Journal;
import dev.juice.pipeline.RoundInputs;
import dev.juice.pipeline.WeightsWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy-trainer: one writer per run. It owns the schedule — SFT, then the algorithm's rounds —
 * issues each round's rollout requests, gathers the round's samples (IRFT/SPIN) or scored samples
 * (RFT), trains, and publishes the policy version together with the next round's requests and the
 * input offsets it used, in one transaction. A restarted trainer therefore resumes from its last
 * version with exactly the inputs it had not used, and never issues a round twice.
 */
public final class PolicyTrainerService {
  private final dev.juice.common.ops.ServiceState state = new dev.juice.common.ops.ServiceState();
  private static final Logger log = LoggerFactory.getLogger(PolicyTrainerService.class);
  /** Manifest metric: the last round the version includes (−1 = SFT). */
  public static final String ROUND = "round";

  /** What the run ended with. */
  public record Result(long version, String sha256, int rounds, long droppedStale, long duplicates) {}

  /** Per-round events for progress displays. */
  public interface Listener {
    void onRound(Round round, long version, PolicyLearner.RoundResult result, int dropped, double seconds);

    void onPhase(String phase, long version);

    Listener NONE = new Listener() {
      @Override
      public void onRound(Round round, long version, PolicyLearner.RoundResult result, int dropped, double seconds) {}

      @Override
      public void onPhase(String phase, long version) {}
    };
  }

  private final PolicyTrainerConfig config;
  private final PipelineConfig c;
  private final Topics topics;
  private final SchemaRegistryClient registry;
  private final Map<String, Object> props;
  private final Progress progress;
  private final Listener listener;

  public PolicyTrainerService(PolicyTrainerConfig config, Progress progress, Listener listener) {
    this.config = config;
    this.c = config.pipeline();
    this.topics = Topics.forRun(config.run());
    this.registry = new RestSchemaRegistryClient(config.kafka().registryUrl());
    this.props = config.kafka().clientProps();
    this.progress = progress;
    this.listener = listener;
  }

  /** Runs the schedule to its end (or resumes it) and returns the final version. */
  public Result run() throws InterruptedException {
    long start = System.nanoTime();
    Engines.pytorch();
    WeightSnapshot snapshot = WeightSnapshot.read(props, registry, topics.weights(), Duration.ofMinutes(2));
    state.connected();
    Journal journal = Journal.read(props, registry, topics.rollouts(), c.stages(), Duration.ofMinutes(2));
    try (DemoFeed demos = new DemoFeed(props, registry, topics.demonstrations());
         WeightPublisher publisher = new WeightPublisher(props, registry, topics.weights(), config.run(), topics.groupId("policy-trainer"));
         MetricsPublisher metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "policy-trainer", "");
         NDManager root = Engines.newManager()) {
      Progress progressAndMetrics = (phase, step, total, loss, tps, detail) -> {
        progress.onStep(phase, step, total, loss, tps, detail);
        if (step % 10 == 0 || step == total) metrics.publish("loss." + phase, loss, step, null, Map.of("detail", detail));
      };
      demos.catchUp(Duration.ofMinutes(2));
      log.info("run '{}': state read in {} ms ({} demonstrations)", config.run(), (System.nanoTime() - start) / 1_000_000,
          demos.all().size());
      var latest = snapshot.latest("policy");
      PolicyModel policy;
      long version;
      int nextRound;
      if (latest.isPresent()) {
        if (latest.get().metric(WeightsWatch.FINAL, 0) >= 1) {
          log.info("run '{}' already finished at policy v{}", config.run(), latest.get().version());
          return new Result(latest.get().version(), latest.get().manifest().getSha256(), c.rounds(), 0, 0);
        }
        policy = WeightsCodec.decodePolicy(latest.get().blob(), root);
        version = latest.get().version();
        nextRound = (int) latest.get().metric(ROUND, -1) + 1;
        log.info("run '{}': resuming from policy v{} at round {}", config.run(), version, nextRound);
      } else {
        policy = base(snapshot, demos, root, publisher, progressAndMetrics);
        version = 0;
        nextRound = 0;
      }
      PolicyModel reference = new PolicyModel(policy.config(), policy.tokenizer(), root, c.seed());
      PolicyLearner learner = new PolicyLearner(policy, reference, c);
      if (version == 0) {
        demos.awaitAtLeast(config.minDemos(), config.awaitInputs());
        listener.onPhase("sft", 0);
        double loss = learner.sft(new ArrayList<>(demos.all()), progressAndMetrics);
        learner.freezeReference();
        version = 1;
        List<ProducerRecord<String, SpecificRecord>> requests = new ArrayList<>();
        for (int r = 0; r <= c.lookahead() && r < c.rounds(); r++) requests.addAll(plan(journal, demos, r, version));
        byte[] blob = WeightsCodec.encode(policy);
        publisher.publish(List.of(
            new WeightPublisher.Entry(policyVersion(version, "sft", -1, c.rounds() == 0, Map.of("loss", loss)), blob),
            new WeightPublisher.Entry(new WeightPublisher.Version("reference", ModelKind.REFERENCE, 1, null, 0, "sft", Map.of()), blob)),
            requests, Map.of(), null);
        metrics.publish("policy.version", version, 0, version, Map.of("phase", "sft"));
        state.version(version);
        listener.onPhase("sft-done", version);
        log.info("run '{}': SFT published at {} ms", config.run(), (System.nanoTime() - start) / 1_000_000);
      } else if (c.algorithm().usesRewardModel()) {
        WeightSnapshot.Loaded ref = snapshot.latest("reference")
            .orElseThrow(() -> new IllegalStateException(c.algorithm().label() + " run '" + config.run() + "' has no reference model on its weights topic"));
        WeightsCodec.loadInto(reference, ref.blob());
      }
      long dropped = 0;
      long duplicates = 0;
      try (RoundInputs<?> inputs = inputs()) {
        for (int k = nextRound; k < c.rounds(); k++) {
          long t0 = System.nanoTime();
          Round round = Round.of(k, c.stages());
          if (!journal.has(k)) { // a run that started under an older plan, or a replay without recorded requests
            publisher.publish(List.of(), plan(journal, demos, k, version), Map.of(), null);
          }
          List<Rollout> planned = journal.round(k);
          int expected = planned.stream().mapToInt(Rollout::numSamples).sum();
          long current = version;
          long w0 = System.nanoTime();
          learner.startRound(round);
          PolicyLearner.RoundResult result;
          int droppedNow;
          double waited;
          if (c.algorithm().usesRewardModel()) {
            @SuppressWarnings("unchecked")
            RoundInputs<Sample.Scored> in = (RoundInputs<Sample.Scored>) inputs;
            var got = in.await(k, expected, s -> fresh(s.sample(), current), config.awaitInputs());
            droppedNow = got.dropped();
            waited = (System.nanoTime() - w0) / 1e9;
            result = learner.rftRound(round, got.accepted(), progressAndMetrics);
          } else {
            @SuppressWarnings("unchecked")
            RoundInputs<Sample> in = (RoundInputs<Sample>) inputs;
            var got = in.await(k, expected, s -> fresh(s, current), config.awaitInputs());
            droppedNow = got.dropped();
            waited = (System.nanoTime() - w0) / 1e9;
            demos.catchUp(Duration.ofMinutes(2));
            result = learner.irftRound(round, demos.byId(), got.accepted(), progressAndMetrics);
          }
          dropped += droppedNow;
          version++;
          inputs.release(k);
          List<ProducerRecord<String, SpecificRecord>> requests = new ArrayList<>();
          int ahead = k + 1 + c.lookahead();
          if (ahead < c.rounds() && !journal.has(ahead)) requests.addAll(plan(journal, demos, ahead, version));
          Map<String, Double> m = new HashMap<>();
          m.put("loss", result.loss());
          m.put("pairs", (double) result.pairs());
          m.put("droppedStale", (double) droppedNow);
          if (!Double.isNaN(result.meanReward())) m.put("meanReward", result.meanReward());
          publisher.publish(List.of(new WeightPublisher.Entry(policyVersion(version, c.algorithm().label(), k, k == c.rounds() - 1, m),
              WeightsCodec.encode(policy))), requests, inputs.offsets(), inputs.group());
          double secs = (System.nanoTime() - t0) / 1e9;
          metrics.publish("policy.version", version, k, version, Map.of("phase", c.algorithm().label()));
          state.version(version);
          state.phase(c.algorithm().label() + " " + round);
          metrics.publish("round.dropped_stale", droppedNow, k, version, Map.of());
          metrics.publish("round.seconds", secs, k, version, Map.of());
          metrics.publish("round.wait_seconds", waited, k, version, Map.of());
          log.info("run '{}' {}: waited {} s for {} inputs, round took {} s", config.run(), round,
              String.format("%.2f", waited), expected, String.format("%.2f", secs));
          listener.onRound(round, version, result, droppedNow, secs);
        }
        duplicates = inputs.duplicates();
      }
      byte[] blob = WeightsCodec.encode(policy);
      return new Result(version, WeightsCodec.sha256Hex(blob), c.rounds(), dropped, duplicates);
    }
  }

  private boolean fresh(Sample s, long current) {
    return config.reuseRecordedSamples() || current - s.policyVersion() <= c.maxStaleness();
  }

  private WeightPublisher.Version policyVersion(long version, String algorithm, int round, boolean last, Map<String, Double> metrics) {
    Map<String, Double> m = new HashMap<>(metrics);
    m.putAll(dev.juice.pipeline.PipelineEnv.toManifest(c));
    m.put(ROUND, (double) round);
    if (last) m.put(WeightsWatch.FINAL, 1.0);
    return new WeightPublisher.Version("policy", ModelKind.POLICY, version, version > 1 ? version - 1 : null, version, algorithm, m);
  }

  /** Plans round k from the demonstrations known now, records it in the journal, and returns its requests. */
  private List<ProducerRecord<String, SpecificRecord>> plan(Journal journal, DemoFeed demos, int k, long wantedVersion) {
    demos.catchUp(Duration.ofMinutes(2));
    Round round = Round.of(k, c.stages());
    Long rewardVersion = c.algorithm().rewardVersionFor(k);
    List<Rollout> rollouts = RoundPlanner.plan(c, round, demos.all(), journal.usedBefore(round.iteration(), k),
        wantedVersion, rewardVersion);
    List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
    for (Rollout r : rollouts) {
      journal.add(r);
      out.add(new ProducerRecord<>(topics.rollouts(), r.requestId(), Convert.request(config.run(), r)));
    }
    log.info("run '{}': round {} planned with {} prompts", config.run(), round, rollouts.size());
    return out;
  }

  private RoundInputs<?> inputs() {
    if (c.algorithm().usesRewardModel()) {
      AvroDeserializer<ScoredSample> d = new AvroDeserializer<>(registry, ScoredSample.class);
      return new RoundInputs<Sample.Scored>(props, topics.scored(), topics.groupId("policy-trainer"),
          b -> Convert.scored(d.deserialize(topics.scored(), b), c.stages()), s -> s.sample().round().index(),
          s -> s.sample().sampleId());
    }
    AvroDeserializer<PolicySample> d = new AvroDeserializer<>(registry, PolicySample.class);
    return new RoundInputs<Sample>(props, topics.samples(), topics.groupId("policy-trainer"),
        b -> Convert.sample(d.deserialize(topics.samples(), b), c.stages()), s -> s.round().index(), Sample::sampleId);
  }

  /**
   * The base model: the run's "base" version if one was published; else, by {@code JUICE_BASE}, the
   * bundled English base, a checkpoint directory, one a driver will publish, or one pre-trained here
   * on the demonstrations. A base made or loaded here is published as the run's "base" version.
   */
  private PolicyModel base(WeightSnapshot snapshot, DemoFeed demos, NDManager root, WeightPublisher publisher,
      Progress progress) throws InterruptedException {
    var base = snapshot.latest("base");
    if (base.isPresent()) return WeightsCodec.decodePolicy(base.get().blob(), root);
    if (!config.awaitBase() && !config.base().equals(PolicyTrainerConfig.PRETRAIN)) {
      boolean bundled = config.base().equals(PolicyTrainerConfig.BUNDLED);
      log.info("run '{}': base model from {}", config.run(), bundled ? "the bundled English base" : config.base());
      PolicyModel policy;
      try { // a bad checkpoint is refused here, before anything is published
        java.nio.file.Path dir = bundled ? dev.juice.model.hf.BundledBase.directory() : java.nio.file.Path.of(config.base());
        policy = dev.juice.model.hf.HfCheckpoint.loadPolicy(dir, root);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read the base checkpoint " + (bundled ? "(bundled)" : config.base()), e);
      }
      publisher.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of()),
          WeightsCodec.encode(policy));
      return policy;
    }
    if (config.awaitBase()) {
      state.phase("awaiting base");
      log.info("run '{}': waiting for a base model on {}", config.run(), topics.weights());
      WeightSnapshot.Loaded b = WeightSnapshot.await(props, registry, topics.weights(), "base", x -> true,
          Duration.ofSeconds(1), config.awaitInputs(), () -> true);
      if (b != null) return WeightsCodec.decodePolicy(b.blob(), root);
      throw new IllegalStateException("no base model on " + topics.weights() + " after " + config.awaitInputs());
    }
    demos.awaitAtLeast(config.minDemos(), config.awaitInputs());
    List<String> text = new ArrayList<>();
    for (Demo d : demos.all()) text.add(d.prompt() + " " + d.response());
    text.sort(null);
    listener.onPhase("base", 0);
    PolicyModel policy = BaseModels.pretrain(text, config.preset(), BaseModels.defaultVocab(config.preset()),
        TrainConfig.pretrain(c.seed()).withEpochs(config.pretrainEpochs()), progress, root);
    publisher.publish(new WeightPublisher.Version("base", ModelKind.POLICY, 1, null, 0, "base", Map.of()),
        WeightsCodec.encode(policy));
    return policy;
  }

  /** Live until it failed; ready once it has read the run's weights from the broker. */
  public dev.juice.common.ops.OpsServer.Health health() {
    return state.health();
  }

  public static void main(String[] args) throws Exception {
    PolicyTrainerConfig config = PolicyTrainerConfig.fromEnv(System.getenv());
    log.info("starting policy-trainer: run={}, algorithm={}, kafka={}", config.run(), config.pipeline().algorithm().label(), config.kafka());
    dev.juice.common.ops.OpsServer.install();
    PolicyTrainerService service = new PolicyTrainerService(config, Progress.NONE, Listener.NONE);
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("policy-trainer", System.getenv(), service::health);
    try {
      Result r = service.state.complete(() -> service.run());
      log.info("run '{}' finished: policy v{} sha256 {} ({} stale samples dropped)", config.run(), r.version(), r.sha256(), r.droppedStale());
      dev.juice.common.ops.ServiceState.stayUpIfAsked(System.getenv());
    } finally {
      if (ops != null) ops.close();
    }
  }
}
