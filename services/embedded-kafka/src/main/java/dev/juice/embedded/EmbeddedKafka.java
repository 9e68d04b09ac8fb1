package dev.juice.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker — Kafka's own {@link KafkaRaftServer}, combined broker + KRaft controller — run
 * inside this JVM on free loopback ports. Not a mock: clients talk to it over TCP exactly as to a
 * cluster. The data directory is either kept (a restart on the same directory resumes, with the same
 * ports) or deleted on {@link #close()}.
 *
 * <p>Defaults suit one node and a laptop disk: replication factor 1 for internal topics, no initial
 * rebalance delay, retention bounded by bytes so weight versions cannot fill the disk.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final Map<String, String> overrides;
  private final String listenerName;
  private final List<String> scramUsers;
  private final String securityProtocol;
  private int brokerPort;
  private int controllerPort;
  private KafkaRaftServer server;

  private EmbeddedKafka(Builder b) throws IOException {
    this.deleteOnClose = b.dataDir == null || b.deleteOnClose;
    this.dataDir = b.dataDir != null ? b.dataDir : Files.createTempDirectory("juice-kafka-");
    this.overrides = Map.copyOf(b.overrides);
    this.brokerPort = b.brokerPort;
    this.controllerPort = b.controllerPort;
    this.listenerName = b.listenerName;
    this.scramUsers = List.copyOf(b.scramUsers);
    this.securityProtocol = b.securityProtocol;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts a broker on a fresh temporary directory that is deleted on close. */
  public static EmbeddedKafka startTemporary() {
    return builder().build().start();
  }

  /** Formats the storage if needed and starts the broker; blocks until it serves requests. */
  public synchronized EmbeddedKafka start() {
    if (server != null) throw new IllegalStateException("already started");
    try {
      Files.createDirectories(dataDir);
      Properties previous = loadPorts();
      if (brokerPort == 0) brokerPort = previous != null ? Integer.parseInt(previous.getProperty("broker")) : freePort();
      if (controllerPort == 0) {
        controllerPort = previous != null ? Integer.parseInt(previous.getProperty("controller")) : freePort();
      }
      savePorts();
      Properties props = serverProperties();
      Path propsFile = dataDir.resolve("server.properties");
      try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
        props.store(w, "written by Juice EmbeddedKafka");
      }
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        format(propsFile);
      }
      long t0 = System.nanoTime();
      KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      s.startup();
      server = s;
      log.info("Kafka broker up at {} in {} ms (data dir {}, kept: {})",
          bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, dataDir, !deleteOnClose);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data dir " + dataDir, e);
    }
  }

  /** Stops the broker but keeps its data, so {@link #start()} resumes on the same ports. */
  public synchronized void stop() {
    if (server == null) return;
    server.shutdown();
    server.awaitShutdown();
    server = null;
    log.info("Kafka broker at localhost:{} stopped", brokerPort);
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** {@code localhost:<port>} of the client listener. */
  public String bootstrapServers() {
    return "localhost:" + brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    stop();
    if (deleteOnClose) deleteRecursively(dataDir);
  }

  private Properties serverProperties() {
    Map<String, String> p = new TreeMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", listenerName + "://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", listenerName + "://localhost:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", listenerName);
    p.put("listener.security.protocol.map", listenerName + ":" + securityProtocol + ",CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // single node: internal topics cannot have more than one replica, or groups/transactions hang
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "8");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "8");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // disk bounds: at most 256 MiB per partition, 64 MiB segments, a week
    p.put("log.retention.bytes", String.valueOf(256L << 20));
    p.put("log.segment.bytes", String.valueOf(64L << 20));
    p.put("log.retention.hours", "168");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16L << 20));
    p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private void format(Path propsFile) {
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propsFile.toString()));
      for (String scram : scramUsers) args.addAll(List.of("--add-scram", scram));
      rc = StorageTool.execute(args.toArray(String[]::new), ps);
    }
    if (rc != 0) {
      throw new IllegalStateException("formatting Kafka storage failed: " + out.toString(StandardCharsets.UTF_8));
    }
  }

  private Properties loadPorts() throws IOException {
    Path f = dataDir.resolve("ports.properties");
    if (!Files.exists(f)) return null;
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  private void savePorts() throws IOException {
    Properties p = new Properties();
    p.setProperty("broker", String.valueOf(brokerPort));
    p.setProperty("controller", String.valueOf(controllerPort));
    try (Writer w = Files.newBufferedWriter(dataDir.resolve("ports.properties"), StandardCharsets.UTF_8)) {
      p.store(w, "ports of this broker, reused on restart so clients reconnect");
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** Options of an embedded broker. */
  public static final class Builder {
    private Path dataDir;
    private boolean deleteOnClose;
    private int brokerPort;
    private int controllerPort;
    private String listenerName = "PLAINTEXT";
    private String securityProtocol = "PLAINTEXT";
    private final Map<String, String> overrides = new TreeMap<>();
    private final List<String> scramUsers = new ArrayList<>();

    /**
     * A SCRAM-SHA-512 user written into the metadata when the storage is formatted — how a KRaft
     * cluster with SASL/SCRAM gets its first (admin) user before any client can connect.
     */
    public Builder scramUser(String name, String password) {
      scramUsers.add("SCRAM-SHA-512=[name=" + name + ",password=" + password + "]");
      return this;
    }

    /** Keep data in this directory (created if missing); a restart on it resumes. */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir);
      return this;
    }

    /** Delete the data directory on close even though it was given explicitly. */
    public Builder deleteOnClose(boolean delete) {
      this.deleteOnClose = delete;
      return this;
    }

    /** Fixed client port (0 = a free one, remembered in the data dir). */
    public Builder port(int port) {
      this.brokerPort = port;
      return this;
    }

    /** Client listener name and security protocol, e.g. ("SASL_PLAINTEXT", "SASL_PLAINTEXT"). */
    public Builder listener(String name, String securityProtocol) {
      this.listenerName = name;
      this.securityProtocol = securityProtocol;
      return this;
    }

    /** Any broker setting, applied last. */
    public Builder config(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public EmbeddedKafka build() {
      try {
        return new EmbeddedKafka(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
