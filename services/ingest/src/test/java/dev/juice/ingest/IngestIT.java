package dev.juice.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.juice.avro.Demonstration;
import dev.juice.avro.PreferencePair;
import dev.juice.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestIT {
  @TempDir Path tmp;

  private static byte[] demo(int i) {
    return ("{\"prompt\":\"Prompt " + i + "\",\"response\":\"response number " + i + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void validatesDedupesAcrossPartitionsAndAcrossRestarts() throws Exception {
    try (Harness h = new Harness("it", 3);
         KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(h.clientProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
      String raw = h.topics.demonstrationsRaw().name();
      String group = h.topics.names().groupId("ingest");
      try (IngestService ingest = IngestService.start(h.ingestConfig(tmp.resolve("state-1")), Duration.ofMinutes(1))) {
        for (int i = 0; i < 50; i++) {
          // every demonstration twice, on two different partitions
          p.send(new ProducerRecord<>(raw, i % 3, null, demo(i)));
          p.send(new ProducerRecord<>(raw, (i + 1) % 3, null, demo(i)));
        }
        for (int i = 0; i < 10; i++) p.send(new ProducerRecord<>(raw, i % 3, null, ("{\"prompt\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        p.send(new ProducerRecord<>(h.topics.preferencesRaw().name(), null,
            "{\"prompt\":\"p\",\"chosen\":\"good\",\"rejected\":\"bad\"}".getBytes(StandardCharsets.UTF_8)));
        p.flush();
        Harness.await("ingest to consume all raw records", Duration.ofSeconds(60),
            () -> h.caughtUp(group, List.of(raw, h.topics.preferencesRaw().name())));
      }
      List<ConsumerRecord<String, Demonstration>> demos =
          h.readAll(h.topics.demonstrations().name(), new StringDeserializer(), h.topics.demonstrations().valueSerde().deserializer());
      assertEquals(50, demos.size(), "each demonstration once, though sent twice on different partitions");
      assertEquals(50, demos.stream().map(ConsumerRecord::key).collect(Collectors.toSet()).size());
      List<ConsumerRecord<String, PreferencePair>> prefs =
          h.readAll(h.topics.preferences().name(), new StringDeserializer(), h.topics.preferences().valueSerde().deserializer());
      assertEquals(1, prefs.size());
      List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assertEquals(10, dlq.size());
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        assertEquals("wrong-type", new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
        assertEquals(raw, new String(r.headers().lastHeader(DeadLetterHeaders.TOPIC).value(), StandardCharsets.UTF_8));
      }

      // a new instance with an empty local state dir restores the dedupe store from its changelog
      try (IngestService ingest = IngestService.start(h.ingestConfig(tmp.resolve("state-2")), Duration.ofMinutes(1))) {
        for (int i = 0; i < 60; i++) p.send(new ProducerRecord<>(raw, i % 3, null, demo(i)));
        p.flush();
        Harness.await("ingest to consume the resent records", Duration.ofSeconds(60), () -> h.caughtUp(group, List.of(raw)));
      }
      Set<String> ids = h.readAll(h.topics.demonstrations().name(), new StringDeserializer(),
          h.topics.demonstrations().valueSerde().deserializer()).stream().map(ConsumerRecord::key).collect(Collectors.toSet());
      assertEquals(60, ids.size(), "50 old ones once each after the restart, plus 10 new");
      assertEquals(60, h.readAll(h.topics.demonstrations().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer()).size());
    }
  }
}
