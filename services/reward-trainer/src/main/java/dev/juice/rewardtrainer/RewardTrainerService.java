package dev.juice.rewardtrainer;

import ai.djl.ndarray.NDManager;
import dev.juice.avro.ModelKind;
import dev.juice.avro.PolicySample;
import dev.juice.common.avro.AvroDeserializer;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.Topics;
import dev.juice.common.metrics.MetricsPublisher;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSnapshot;
import dev.juice.model.Engines;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.WeightsCodec;
import dev.juice.model.algo.Progress;
import dev.juice.model.pipeline.PipelineConfig;
import dev.juice.model.pipeline.Preference;
import dev.juice.model.pipeline.SerLearner;
import dev.juice.model.pipeline.RewardLearner;
import dev.juice.model.pipeline.Rollout;
import dev.juice.model.pipeline.Round;
import dev.juice.model.pipeline.Sample;
import dev.juice.pipeline.Convert;
import dev.juice.pipeline.DemoFeed;
import dev.juice.pipeline.Journal;
import dev.juice.pipeline.PreferenceFeed;
import dev.juice.pipeline.RoundInputs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward-trainer (RFT): one writer per run. Starts from the run's reference (SFT) trunk plus a
 * scalar head; for each round gathers the round's samples, trains Bradley–Terry with the
 * demonstration preferred over the policy's own continuation, and publishes reward version k + 1
 * with the sample offsets it used, in one transaction. Scorers score round k with that version.
 * Runs that train no reward model make it return at once. For SER-RFT it instead learns one reward
 * model from the preference pairs on {@code <run>.preferences} by self-evolved reward learning and
 * publishes it as reward v1 before the first round needs it.
 */
public final class RewardTrainerService {
  private final dev.juice.common.ops.ServiceState state = new dev.juice.common.ops.ServiceState();
  private static final Logger log = LoggerFactory.getLogger(RewardTrainerService.class);

  private final RewardTrainerConfig config;
  private final PipelineConfig c;
  private final Topics topics;
  private final SchemaRegistryClient registry;
  private final Map<String, Object> props;
  private final Progress progress;

  public RewardTrainerService(RewardTrainerConfig config, Progress progress) {
    this.config = config;
    this.c = config.pipeline();
    this.topics = Topics.forRun(config.run());
    this.registry = new RestSchemaRegistryClient(config.kafka().registryUrl());
    this.props = config.kafka().clientProps();
    this.progress = progress;
  }

  /** Trains every round's reward step; returns the last reward version (0 when the algorithm has none). */
  public long run(BooleanSupplier running) throws InterruptedException {
    if (!c.algorithm().usesRewardModel()) {
      log.info("run '{}' ({}) trains no reward model", config.run(), c.algorithm().label());
      return 0;
    }
    Engines.pytorch();
    if (!c.algorithm().rewardPerRound()) return ser(running);
    try (DemoFeed demos = new DemoFeed(props, registry, topics.demonstrations());
         WeightPublisher publisher = new WeightPublisher(props, registry, topics.weights(), config.run(), topics.groupId("reward-trainer"));
         MetricsPublisher metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "reward-trainer", "");
         NDManager root = Engines.newManager()) {
      WeightSnapshot snapshot = WeightSnapshot.read(props, registry, topics.weights(), Duration.ofMinutes(2));
      state.connected();
      RewardModel rm;
      int next;
      Optional<WeightSnapshot.Loaded> mine = snapshot.latest("reward");
      if (mine.isPresent()) {
        rm = (RewardModel) WeightsCodec.decode(mine.get().blob(), root);
        next = (int) mine.get().metric("round", -1) + 1;
        log.info("run '{}': reward-trainer resuming from reward v{} at round {}", config.run(), mine.get().version(), next);
      } else {
        WeightSnapshot.Loaded ref = awaitReference(running);
        if (ref == null) return 0;
        try (PolicyModel trunk = WeightsCodec.decodePolicy(ref.blob(), root)) {
          rm = RewardModel.fromPolicy(trunk, root, c.seed());
        }
        next = 0;
      }
      RewardLearner learner = new RewardLearner(rm, c);
      AvroDeserializer<PolicySample> d = new AvroDeserializer<>(registry, PolicySample.class);
      long version = next;
      try (RoundInputs<Sample> inputs = new RoundInputs<>(props, topics.samples(), topics.groupId("reward-trainer"),
          b -> Convert.sample(d.deserialize(topics.samples(), b), c.stages()), s -> s.round().index(), Sample::sampleId)) {
        for (int k = next; k < c.rounds() && running.getAsBoolean(); k++) {
          long t0 = System.nanoTime();
          Round round = Round.of(k, c.stages());
          int expected = expectedSamples(k, running);
          var got = inputs.await(k, expected, s -> true, config.awaitInputs());
          demos.catchUp(Duration.ofMinutes(2));
          RewardLearner.RoundResult r = learner.round(round, demos.byId(), got.accepted(), progress);
          inputs.release(k);
          version = k + 1;
          Map<String, Double> m = new HashMap<>();
          m.put("loss", r.loss());
          m.put("round", (double) k);
          m.put("pairs", (double) r.pairs());
          if (!Double.isNaN(r.accuracyBefore())) m.put("accuracyBefore", r.accuracyBefore());
          publisher.publish(List.of(new WeightPublisher.Entry(new WeightPublisher.Version("reward", ModelKind.REWARD, version,
              version > 1 ? version - 1 : null, r.steps(), "rft", m), WeightsCodec.encode(rm))), List.of(),
              inputs.offsets(), inputs.group());
          metrics.publish("reward.loss", r.loss(), k, version, Map.of());
          state.version(version);
          state.phase("rft " + round);
          if (!Double.isNaN(r.accuracyBefore())) metrics.publish("reward.accuracy_before", r.accuracyBefore(), k, version, Map.of());
          metrics.publish("round.seconds.reward", (System.nanoTime() - t0) / 1e9, k, version, Map.of());
        }
      }
      rm.close();
      return version;
    }
  }

  /**
   * SER-RFT: one reward model, learned before the policy rounds need it. Waits for the SFT reference
   * (the RM's trunk) and at least {@code minPreferences} pairs on {@code <run>.preferences}, runs SER
   * (seed RM, self-labelling loops) and publishes reward v1 — the version every round's rollouts ask
   * for — with the per-loop figures as metric events ({@code ser.*}, round = loop). Accuracy is
   * measured on human-labelled pairs held out of training ({@link SerLearner#holdOut}, share
   * JUICE_SER_HOLDOUT); the final RM's accuracy on the unlabelled pool's hidden labels, when the data
   * carries them, is reported beside it as {@code poolAccuracy} (those pairs are trained on, with
   * self-labels, so it is not a held-out figure).
   */
  private long ser(BooleanSupplier running) throws InterruptedException {
    try (WeightPublisher publisher = new WeightPublisher(props, registry, topics.weights(), config.run(), topics.groupId("reward-trainer"));
         MetricsPublisher metrics = new MetricsPublisher(props, registry, topics.metrics(), config.run(), "reward-trainer", "");
         PreferenceFeed feed = new PreferenceFeed(props, registry, topics.preferences());
         NDManager root = Engines.newManager()) {
      Optional<WeightSnapshot.Loaded> mine = WeightSnapshot.read(props, registry, topics.weights(), Duration.ofMinutes(2)).latest("reward");
      state.connected();
      state.phase("ser");
      if (mine.isPresent()) {
        log.info("run '{}': SER reward model v{} already published", config.run(), mine.get().version());
        return mine.get().version();
      }
      WeightSnapshot.Loaded ref = awaitReference(running);
      if (ref == null) return 0;
      feed.awaitAtLeast(config.minPreferences(), config.awaitInputs());
      feed.catchUp(Duration.ofMinutes(2));
      List<Preference> all = List.copyOf(feed.all());
      SerLearner.Split split = SerLearner.holdOut(all, config.serHoldout());
      List<Preference> pairs = split.train();
      List<Preference> heldOut = split.heldOut(); // labelled pairs SER never trains on: what "accuracy" is measured on
      List<Preference> pool = pairs.stream().filter(p -> !p.labelled() && p.hidden() != null).toList();
      long labelled = all.stream().filter(Preference::labelled).count();
      log.info("run '{}': SER on {} pairs ({} labelled, of which {} held out for accuracy; {} unlabelled with a hidden label "
          + "for precision)", config.run(), all.size(), labelled, heldOut.size(), pool.size());
      SerLearner.Config cfg = SerLearner.Config.defaults(c.seed());
      cfg = new SerLearner.Config(config.serLoops(), cfg.train(), cfg.centering(), c.seed());
      try (PolicyModel trunk = WeightsCodec.decodePolicy(ref.blob(), root);
           RewardModel rm = RewardModel.fromPolicy(trunk, root, c.seed())) {
        List<SerLearner.Loop> loops = new SerLearner(rm, cfg).run(pairs, heldOut, progress, l -> {
          Map<String, String> tags = Map.of("algorithm", "ser");
          metrics.publish("ser.kept_status1", l.keptStatus1(), l.loop(), null, tags);
          metrics.publish("ser.kept_status2", l.keptStatus2(), l.loop(), null, tags);
          metrics.publish("ser.train_pairs", l.trainPairs(), l.loop(), null, tags);
          metrics.publish("ser.reward_std", l.rewardStd(), l.loop(), null, tags);
          if (!Double.isNaN(l.precision())) metrics.publish("ser.precision", l.precision(), l.loop(), null, tags);
          if (!Double.isNaN(l.heldOutAccuracy())) metrics.publish("ser.accuracy", l.heldOutAccuracy(), l.loop(), null, tags);
          log.info("run '{}' SER loop {}: kept {} (status 1) + {} (status 2), trained on {}, pool {}, precision {}, accuracy {}",
              config.run(), l.loop(), l.keptStatus1(), l.keptStatus2(), l.trainPairs(), l.poolLeft(),
              String.format("%.3f", l.precision()), String.format("%.3f", l.heldOutAccuracy()));
        });
        SerLearner.Loop last = loops.get(loops.size() - 1);
        double poolAccuracy = pool.isEmpty() ? Double.NaN : SerLearner.accuracy(rm, pool);
        if (!Double.isNaN(poolAccuracy)) metrics.publish("ser.pool_accuracy", poolAccuracy, last.loop(), null, Map.of("algorithm", "ser"));
        Map<String, Double> m = new HashMap<>();
        m.put("loops", (double) last.loop());
        m.put("pairs", (double) all.size());
        m.put("labelled", (double) labelled);
        m.put("heldOutPairs", (double) heldOut.size());
        if (!Double.isNaN(poolAccuracy)) m.put("poolAccuracy", poolAccuracy);
        m.put("trainPairs", (double) last.trainPairs());
        m.put("rewardStd", last.rewardStd());
        m.put("loss", last.loss());
        if (!Double.isNaN(last.heldOutAccuracy())) m.put("accuracy", last.heldOutAccuracy());
        publisher.publish(List.of(new WeightPublisher.Entry(new WeightPublisher.Version("reward", ModelKind.REWARD, 1, null,
            loops.size(), "ser", m), WeightsCodec.encode(rm))), List.of(), Map.of(), null);
        log.info("run '{}': SER reward model v1 published after {} loop(s)", config.run(), last.loop());
        state.version(1);
      }
      return 1;
    }
  }

  private WeightSnapshot.Loaded awaitReference(BooleanSupplier running) throws InterruptedException {
    return WeightSnapshot.await(props, registry, topics.weights(), "reference", r -> true, Duration.ofMillis(500),
        Duration.ofDays(365), running);
  }

  /** Samples round k expects, from the policy-trainer's journal (waits until the round is planned). */
  private int expectedSamples(int k, BooleanSupplier running) throws InterruptedException {
    while (running.getAsBoolean()) {
      Journal j = Journal.read(props, registry, topics.rollouts(), c.stages(), Duration.ofMinutes(2));
      if (j.has(k)) return j.round(k).stream().mapToInt(Rollout::numSamples).sum();
      Thread.sleep(300);
    }
    throw new InterruptedException("stopped");
  }

  /** Live until it failed; ready once it has read the run's weights from the broker. */
  public dev.juice.common.ops.OpsServer.Health health() {
    return state.health();
  }

  public static void main(String[] args) throws Exception {
    RewardTrainerConfig config = RewardTrainerConfig.fromEnv(System.getenv());
    log.info("starting reward-trainer: run={}, kafka={}", config.run(), config.kafka());
    dev.juice.common.ops.OpsServer.install();
    RewardTrainerService service = new RewardTrainerService(config, Progress.NONE);
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("reward-trainer", System.getenv(), service::health);
    try {
      long v = service.state.complete(() -> service.run(() -> true));
      log.info("run '{}': reward-trainer finished at reward v{}", config.run(), v);
      dev.juice.common.ops.ServiceState.stayUpIfAsked(System.getenv());
    } finally {
      if (ops != null) ops.close();
    }
  }
}
