package dev.juice.ingest;

import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.RunTopics;
import dev.juice.common.kafka.Topics;
import dev.juice.ingest.config.IngestConfig;
import dev.juice.ingest.topology.IngestTopology;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service. Consumes {@code juice.<run>.demonstrations.raw} and {@code .preferences.raw}
 * (JSON, any key); produces {@code juice.<run>.demonstrations} and {@code .preferences} (Avro, key =
 * id) and {@code juice.<run>.dlq} (raw bytes with {@code juice.dlq.*} headers). Validates, normalises
 * whitespace and deduplicates by content hash, exactly once. Scales by raw-topic partitions.
 */
public final class IngestService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final KafkaStreams streams;
  private final String applicationId;

  private IngestService(KafkaStreams streams, String applicationId) {
    this.streams = streams;
    this.applicationId = applicationId;
  }

  /**
   * Live unless Streams is in ERROR or shut down; ready when RUNNING (connected, tasks assigned and
   * restored). Streams' own client metrics (lag, throughput) are bound to Micrometer at start.
   */
  public dev.juice.common.ops.OpsServer.Health health() {
    KafkaStreams.State st = streams.state();
    boolean live = st != KafkaStreams.State.ERROR && st != KafkaStreams.State.NOT_RUNNING && st != KafkaStreams.State.PENDING_ERROR;
    return new dev.juice.common.ops.OpsServer.Health(live, st == KafkaStreams.State.RUNNING, java.util.Map.of("state", st.name()));
  }

  /** Kafka Streams properties of the service. */
  public static Properties streamsProps(IngestConfig config) {
    Properties p = new Properties();
    p.putAll(config.kafka().clientProps());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, Topics.forRun(config.run()).groupId("ingest"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
    // rejected records go to the DLQ as they came, up to the raw topics' 4 MiB limit plus headers
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 5 * 1024 * 1024 + 64 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 5 * 1024 * 1024);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOverflowHandler.class);
    // a crashed instance's partitions move after 10 s instead of 45 s (and a closed one's, should its
    // LeaveGroup not reach the coordinator, which we observed with Streams 4.1.1 on close)
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
    // the repartition hop is read with read_committed: records become visible when a transaction
    // commits, and a fetch parked on the broker would otherwise wait up to 500 ms for them
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 20);
    p.putAll(config.kafka().clientOverrides());
    return p;
  }

  /** Builds the topology and starts it; returns once the instance is RUNNING. */
  public static IngestService start(IngestConfig config, Duration timeout) {
    RunTopics topics = new RunTopics(Topics.forRun(config.run()),
        new RestSchemaRegistryClient(config.kafka().registryUrl()));
    Properties props = streamsProps(config);
    KafkaStreams streams = new KafkaStreams(new IngestTopology(topics, config.limits()).build(), props);
    new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams).bindTo(io.micrometer.core.instrument.Metrics.globalRegistry);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
      if (now == KafkaStreams.State.ERROR) log.error("ingest for run '{}' stopped with an error", config.run());
    });
    streams.setUncaughtExceptionHandler(e -> {
      log.error("ingest stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        streams.close(Duration.ofSeconds(10));
        throw new IllegalStateException("ingest did not reach RUNNING within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      streams.close(Duration.ofSeconds(10));
      throw new IllegalStateException("interrupted while starting ingest", e);
    }
    log.info("ingest running for run '{}' (application id {})", config.run(), props.get(StreamsConfig.APPLICATION_ID_CONFIG));
    return new IngestService(streams, (String) props.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  public String applicationId() {
    return applicationId;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The Streams client's metrics (its threads', producers' and consumers'), for benchmarks and dashboards. */
  public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return streams.metrics();
  }

  /**
   * Stops and leaves the consumer group at once, so a replacement instance gets the partitions without
   * waiting out the session timeout (Streams does not leave the group on a plain close).
   */
  @Override
  public void close() {
    streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
  }

  public static void main(String[] args) throws InterruptedException {
    IngestConfig config = IngestConfig.fromEnv(System.getenv());
    log.info("starting ingest: run={}, kafka={}", config.run(), config.kafka());
    dev.juice.common.ops.OpsServer.install();
    IngestService service = start(config, Duration.ofMinutes(2));
    dev.juice.common.ops.OpsServer ops = dev.juice.common.ops.OpsServer.fromEnv("ingest", System.getenv(), service::health);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      if (ops != null) ops.close();
      done.countDown();
    }, "ingest-shutdown"));
    done.await();
  }
}
