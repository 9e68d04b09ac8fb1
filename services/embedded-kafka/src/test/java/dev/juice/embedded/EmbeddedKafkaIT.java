package dev.juice.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
  @TempDir Path tmp;

  @Test
  void servesClientsAndResumesFromTheSameDataDirAfterRestart() throws Exception {
    Path dir = tmp.resolve("kafka");
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
      String bootstrap = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
      }
      produce(bootstrap, "t", 10, true);

      kafka.stop();
      assertFalse(kafka.isRunning());
      kafka.start();
      assertEquals(bootstrap, kafka.bootstrapServers(), "a restart keeps the ports");
      produce(bootstrap, "t", 5, true);
      assertEquals(15, readAll(bootstrap, "t", 2, 15).size(), "records from before the restart survive");
    }
    assertTrue(Files.exists(dir), "an explicit data dir is kept");
  }

  @Test
  void temporaryBrokerDeletesItsDataAndSupportsTransactions() throws Exception {
    Path dir;
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      dir = kafka.dataDir();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("tx", 1, (short) 1))).all().get();
        // createTopics completes when the controller has the topic; the broker's metadata cache may
        // answer listTopics a moment later, so wait for it instead of racing it
        Set<String> names = Set.of();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!names.contains("tx") && System.nanoTime() < deadline) {
          names = admin.listTopics().names().get();
          if (!names.contains("tx")) Thread.sleep(50);
        }
        assertEquals(Set.of("tx"), names);
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "t-1"),
          new StringSerializer(), new StringSerializer())) {
        p.initTransactions();
        p.beginTransaction();
        p.send(new ProducerRecord<>("tx", "k", "aborted"));
        p.abortTransaction();
        p.beginTransaction();
        p.send(new ProducerRecord<>("tx", "k", "committed"));
        p.commitTransaction();
      }
      List<ConsumerRecord<String, String>> got = readAll(kafka.bootstrapServers(), "tx", 1, 1);
      assertEquals(1, got.size());
      assertEquals("committed", got.get(0).value());
    }
    assertFalse(Files.exists(dir), "a temporary data dir is deleted on close");
  }

  private static void produce(String bootstrap, String topic, int n, boolean flush) {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(
        Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      if (flush) p.flush();
    }
  }

  /**
   * Reads with read_committed until {@code expected} records arrived (or 30 s passed), then a little
   * longer to catch any extra ones. Right after a commit its markers may still be on their way, so
   * the end offset is not a reliable stopping point here.
   */
  private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int partitions, int expected) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
      c.assign(tps);
      c.seekToBeginning(tps);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      c.poll(Duration.ofMillis(500)).forEach(out::add);
      return out;
    }
  }
}
