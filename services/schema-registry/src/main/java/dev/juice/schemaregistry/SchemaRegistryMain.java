package dev.juice.schemaregistry;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema-registry service: a Confluent-compatible REST registry whose state lives in a compacted
 * Kafka topic and is rebuilt from it on start. Consumes and produces only its own topic
 * ({@code _juice_schemas}). One writer per cluster.
 */
public final class SchemaRegistryMain {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryMain.class);

  private SchemaRegistryMain() {}

  /** Starts a registry backed by Kafka; the caller closes the returned server and registry. */
  public static Running start(SchemaRegistryConfig config) {
    SchemaRegistry registry = new SchemaRegistry(new KafkaRegistryStore(config.clientProps(), config.topic()));
    RegistryServer server = new RegistryServer(registry).start(config.host(), config.port());
    return new Running(registry, server);
  }

  /** A started registry. */
  public record Running(SchemaRegistry registry, RegistryServer server) implements AutoCloseable {
    public String url() {
      return server.url();
    }

    @Override
    public void close() {
      server.close();
      registry.close();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    SchemaRegistryConfig config = SchemaRegistryConfig.fromEnv(System.getenv());
    log.info("starting with {}", config);
    Running running = start(config);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      done.countDown();
    }, "registry-shutdown"));
    done.await();
  }
}
