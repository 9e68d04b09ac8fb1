package dev.juice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.juice.avro.Demonstration;
import dev.juice.common.avro.AvroSerde;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryException;
import dev.juice.common.avro.WireFormat;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof against a registry nobody on the team wrote: Apicurio Registry 3.3.3 (its server from Maven
 * Central, run here with a Java ≥ 21 found under /usr/lib/jvm) through its Confluent-compatible API
 * {@code /apis/ccompat/v7}; and Apicurio's own Kafka serde reading Juice's bytes and the reverse.
 */
class ApicurioInteropIT {
  private static Process server;
  private static String base;

  static Optional<Path> java21() {
    String explicit = System.getenv("JUICE_JAVA21_HOME");
    if (explicit != null) return Optional.of(Path.of(explicit, "bin", "java"));
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && feature(h) >= 21)
          .max(Comparator.comparingInt(ApicurioInteropIT::feature)).map(h -> h.resolve("bin/java"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> java = java21();
    assumeTrue(java.isPresent(), "Apicurio Registry 3.3.3 needs Java >= 21 and none was found under /usr/lib/jvm "
        + "(or JUICE_JAVA21_HOME); skipping the Apicurio interop test");
    Path app = Path.of("target", "apicurio", "quarkus-run.jar");
    assumeTrue(Files.exists(app), "Apicurio app not unpacked at " + app.toAbsolutePath() + " (run through Maven's verify)");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = new ProcessBuilder(java.get().toString(), "-Xmx512m",
        "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", app.getFileName().toString())
        .directory(app.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", "apicurio.log").toFile())
        .start();
    base = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      if (!server.isAlive()) throw new IllegalStateException("Apicurio exited; see target/apicurio.log");
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/apis/ccompat/v7/subjects")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) break;
      } catch (IOException notYet) {
        // still starting
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("Apicurio did not start in 120 s; see target/apicurio.log");
      Thread.sleep(250);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  static Demonstration demo(String id) {
    return Demonstration.newBuilder().setId(id).setRunId("interop").setPrompt("The staff")
        .setResponse("were lovely.").setContentHash("c0ffee").setSource("apicurio-it")
        .setIngestedAt(Instant.ofEpochMilli(1_700_000_000_123L)).setAttributes(Map.of("label", "positive")).build();
  }

  private static Map<String, Object> apicurioConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put("apicurio.registry.url", base + "/apis/registry/v3");
    c.put("apicurio.registry.auto-register", "true");
    c.put("apicurio.registry.use-id", "contentId");
    c.put("apicurio.registry.use-specific-avro-reader", "true");
    return c;
  }

  @Test
  void ourSerdeRegistersAndReadsThroughTheCcompatApi() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + "/apis/ccompat/v7");
    AvroSerde<Demonstration> serde = AvroSerde.forValues(client, Demonstration.class);
    byte[] bytes = serde.serializer().serialize("ours", demo("d-1"));
    assertEquals(0, bytes[0]);
    assertTrue(client.subjects().contains("ours-value"), client.subjects().toString());
    assertEquals(client.latest("ours-value").id(), WireFormat.schemaId(bytes));
    assertEquals(demo("d-1"), serde.deserializer().deserialize("ours", bytes));
    // a second client (empty caches) resolves the same id to the same schema
    assertEquals(Demonstration.getClassSchema(), new RestSchemaRegistryClient(base + "/apis/ccompat/v7").byId(WireFormat.schemaId(bytes)));
  }

  @Test
  void apicuriosDeserializerReadsOurBytes() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + "/apis/ccompat/v7");
    byte[] bytes = AvroSerde.forValues(client, Demonstration.class).serializer().serialize("to-apicurio", demo("d-2"));
    try (AvroKafkaDeserializer<Demonstration> theirs = new AvroKafkaDeserializer<>()) {
      theirs.configure(apicurioConfig(), false);
      assertEquals(demo("d-2"), theirs.deserialize("to-apicurio", bytes));
    }
  }

  @Test
  void weReadBytesWrittenByApicuriosSerializer() {
    byte[] bytes;
    try (AvroKafkaSerializer<Demonstration> theirs = new AvroKafkaSerializer<>()) {
      theirs.configure(apicurioConfig(), false);
      bytes = theirs.serialize("from-apicurio", demo("d-3"));
    }
    assertEquals(WireFormat.MAGIC, bytes[0], "Apicurio wrote the Confluent framing");
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + "/apis/ccompat/v7");
    assertEquals(demo("d-3"), AvroSerde.forValues(client, Demonstration.class).deserializer().deserialize("from-apicurio", bytes));
  }

  @Test
  void anIncompatibleSchemaIsRefusedNamingTheSubject() {
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + "/apis/ccompat/v7");
    Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema broken = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    client.register("compat-check", v1);
    client.setCompatibility("compat-check", "BACKWARD");
    SchemaRegistryException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaRegistryException.class,
        () -> client.register("compat-check", broken));
    assertEquals(409, e.status(), e.getMessage());
    assertTrue(List.of(409, 40901).contains(e.errorCode()), e.getMessage());
  }
}
