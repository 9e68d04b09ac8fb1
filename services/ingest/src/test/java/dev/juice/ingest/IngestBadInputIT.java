package dev.juice.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.juice.avro.Demonstration;
import dev.juice.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ≥ 10,000 records — truncated JSON, wrong types, missing fields, 1 MB strings, invalid UTF-8, empty,
 * binary — interleaved with valid ones and their duplicates: every valid record arrives exactly once,
 * every invalid one is in the DLQ with a reason, and the app never stops.
 */
class IngestBadInputIT {
  @TempDir Path tmp;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFloodOfBadInputLosesNothingValidAndStopsNothing() throws Exception {
    Random rnd = new Random(7);
    List<byte[]> valid = new ArrayList<>();
    Map<String, Integer> expectedReasons = new TreeMap<>();
    List<byte[]> invalid = new ArrayList<>();
    int nValid = 5_000;
    for (int i = 0; i < nValid; i++) {
      valid.add(utf8("{\"id\":\"v-" + i + "\",\"prompt\":\"Prompt " + i + "\",\"response\":\"Response " + i + " é ✓\"}"));
    }
    Map<String, IntFunction<byte[]>> kinds = new HashMap<>();
    kinds.put("malformed-json", i -> {
      byte[] v = valid.get(i % nValid);
      return java.util.Arrays.copyOf(v, 5 + i % 25); // truncated inside the ASCII head
    });
    kinds.put("wrong-type", i -> utf8("{\"prompt\":\"p\",\"response\":" + (i % 2 == 0 ? "42" : "{\"x\":1}") + "}"));
    kinds.put("missing-field", i -> utf8("{\"prompt\":\"only a prompt " + i + "\"}"));
    kinds.put("too-large", i -> utf8("{\"prompt\":\"p\",\"response\":\"" + "x".repeat(1_000_000) + "\"}"));
    kinds.put("invalid-utf8", i -> new byte[] {'{', '"', 'p', 'r', (byte) 0xC0, (byte) 0xAF, '"', '}'});
    kinds.put("empty", i -> new byte[0]);
    kinds.put("binary", i -> {
      byte[] b = new byte[16 + i % 64];
      new Random(i).nextBytes(b);
      b[0] = (byte) 0xFF; // never valid UTF-8: binary is rejected as invalid-utf8
      return b;
    });
    int[] counts = {1000, 1000, 1000, 20, 800, 500, 700};
    String[] names = {"malformed-json", "wrong-type", "missing-field", "too-large", "invalid-utf8", "empty", "binary"};
    for (int k = 0; k < names.length; k++) {
      for (int i = 0; i < counts[k]; i++) invalid.add(kinds.get(names[k]).apply(i));
      expectedReasons.merge(names[k].equals("binary") ? "invalid-utf8" : names[k], counts[k], Integer::sum);
    }
    // valid ones, 1,000 of them twice, and the invalid ones, shuffled together
    List<byte[]> all = new ArrayList<>(valid);
    all.addAll(valid.subList(0, 1_000));
    all.addAll(invalid);
    Collections.shuffle(all, rnd);
    int total = all.size();
    assertEquals(6_000 + 5_020, total);

    try (Harness h = new Harness("flood", 3);
         IngestService ingest = IngestService.start(h.ingestConfig(tmp.resolve("state")), Duration.ofMinutes(1))) {
      Map<String, Object> pp = h.clientProps();
      pp.put("max.request.size", 4 * 1024 * 1024);
      pp.put("linger.ms", 5);
      String raw = h.topics.demonstrationsRaw().name();
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < total; i++) p.send(new ProducerRecord<>(raw, i % 3, null, all.get(i)));
        p.flush();
      }
      Harness.await("ingest to consume the flood", Duration.ofMinutes(4),
          () -> h.caughtUp(h.topics.names().groupId("ingest"), List.of(raw)));
      assertEquals(KafkaStreams.State.RUNNING, ingest.state(), "the app never stops");

      List<ConsumerRecord<String, Demonstration>> out = h.readAll(h.topics.demonstrations().name(),
          new StringDeserializer(), h.topics.demonstrations().valueSerde().deserializer());
      Map<String, Integer> perId = new HashMap<>();
      out.forEach(r -> perId.merge(r.key(), 1, Integer::sum));
      assertEquals(nValid, perId.size(), "every valid record arrived");
      assertEquals(nValid, out.size(), "and exactly once");
      for (int i = 0; i < nValid; i++) assertEquals(1, perId.get("v-" + i));

      List<ConsumerRecord<byte[], byte[]>> dlq = h.readAll(h.topics.deadLetters().name(),
          new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assertEquals(invalid.size(), dlq.size(), "every invalid record is in the DLQ");
      Map<String, Integer> reasons = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        assertNotNull(r.headers().lastHeader(DeadLetterHeaders.MESSAGE));
        assertNotNull(r.headers().lastHeader(DeadLetterHeaders.OFFSET));
        reasons.merge(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8), 1, Integer::sum);
      }
      assertEquals(expectedReasons, reasons);
    }
  }
}
