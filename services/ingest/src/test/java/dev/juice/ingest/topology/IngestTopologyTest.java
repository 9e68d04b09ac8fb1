package dev.juice.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.Demonstration;
import dev.juice.avro.PreferencePair;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.kafka.DeadLetterHeaders;
import dev.juice.common.kafka.RunTopics;
import dev.juice.common.kafka.Topics;
import dev.juice.schemaregistry.InMemoryRegistryStore;
import dev.juice.schemaregistry.RegistryServer;
import dev.juice.schemaregistry.SchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
  private RegistryServer registry;
  private RunTopics topics;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> demosRaw;
  private TestInputTopic<byte[], byte[]> prefsRaw;
  private TestOutputTopic<String, Demonstration> demos;
  private TestOutputTopic<String, PreferencePair> prefs;
  private TestOutputTopic<byte[], byte[]> dlq;

  @BeforeEach
  void setUp() {
    registry = new RegistryServer(new SchemaRegistry(new InMemoryRegistryStore())).start("127.0.0.1", 0);
    topics = new RunTopics(Topics.forRun("t"), new RestSchemaRegistryClient(registry.url()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(new IngestTopology(topics, Limits.DEFAULT).build(), p);
    demosRaw = driver.createInputTopic(topics.demonstrationsRaw().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    prefsRaw = driver.createInputTopic(topics.preferencesRaw().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    demos = driver.createOutputTopic(topics.demonstrations().name(), Serdes.String().deserializer(), topics.demonstrations().valueSerde().deserializer());
    prefs = driver.createOutputTopic(topics.preferences().name(), Serdes.String().deserializer(), topics.preferences().valueSerde().deserializer());
    dlq = driver.createOutputTopic(topics.deadLetters().name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
    registry.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(TestRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    assertNotNull(h, "header " + key);
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void validRecordsComeOutAsAvroKeyedById() {
    demosRaw.pipeInput(b("k"), b("{\"prompt\":\"The  food\",\"response\":\"was great.\",\"id\":\"d1\"}"));
    demosRaw.pipeInput(null, b("{\"prompt\":\"The service\",\"response\":\"was slow.\"}"));
    List<TestRecord<String, Demonstration>> out = demos.readRecordsToList();
    assertEquals(2, out.size());
    assertEquals("d1", out.get(0).key());
    assertEquals("The food", out.get(0).value().getPrompt());
    assertTrue(out.get(1).key().startsWith("d-"));
    assertTrue(dlq.isEmpty());
  }

  @Test
  void duplicatesAreForwardedOnce() {
    for (int i = 0; i < 3; i++) {
      demosRaw.pipeInput(null, b("{\"prompt\":\"A\",\"response\":\"b c\"}"));
      demosRaw.pipeInput(null, b("{\"prompt\":\" A \",\"response\":\"b   c\"}")); // same after normalisation
      prefsRaw.pipeInput(null, b("{\"prompt\":\"p\",\"chosen\":\"x\",\"rejected\":\"y\"}"));
    }
    demosRaw.pipeInput(null, b("{\"prompt\":\"A\",\"response\":\"b d\"}"));
    assertEquals(2, demos.readRecordsToList().size());
    assertEquals(1, prefs.readRecordsToList().size());
  }

  @Test
  void invalidRecordsGoToTheDlqWithTheirBytesAndReasons() {
    byte[] bad = b("{\"prompt\":\"a\"}");
    demosRaw.pipeInput(b("key"), bad);
    prefsRaw.pipeInput(null, b("not json"));
    List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
    assertEquals(2, out.size());
    TestRecord<byte[], byte[]> r = out.get(0);
    assertEquals("key", new String(r.key(), StandardCharsets.UTF_8));
    assertEquals(new String(bad, StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
    assertEquals("missing-field", header(r, DeadLetterHeaders.REASON));
    assertEquals(Validator.class.getName(), header(r, DeadLetterHeaders.EXCEPTION), "the class that applied the rule");
    assertTrue(header(r, DeadLetterHeaders.MESSAGE).contains("'response'"));
    assertEquals(topics.demonstrationsRaw().name(), header(r, DeadLetterHeaders.TOPIC));
    assertEquals("0", header(r, DeadLetterHeaders.PARTITION));
    assertEquals("0", header(r, DeadLetterHeaders.OFFSET));
    assertEquals("malformed-json", header(out.get(1), DeadLetterHeaders.REASON));
    assertEquals(topics.preferencesRaw().name(), header(out.get(1), DeadLetterHeaders.TOPIC));
    assertTrue(demos.isEmpty());
  }

  /** Renames of operators, stores or repartition topics must be deliberate: update the snapshot. */
  @Test
  void topologyMatchesTheCommittedSnapshot() throws IOException {
    Topology t = new IngestTopology(topics, Limits.DEFAULT).build();
    String actual = t.describe().toString();
    Path target = Path.of("target", "ingest-topology.txt");
    Files.writeString(target, actual); // copy to src/test/resources after a deliberate change
    try (InputStream in = getClass().getResourceAsStream("/ingest-topology.txt")) {
      if (in == null) {
        throw new AssertionError("no snapshot committed; the current description is in " + target.toAbsolutePath());
      }
      assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual);
    }
  }
}
