package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.ModelKind;
import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.common.weights.WeightSubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Weight versions over the compacted weights topic: whole versions only, checksum-verified, newest wins. */
class WeightVersionsIT {
  static byte[] blob(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static WeightPublisher.Version v(String model, long version) {
    return new WeightPublisher.Version(model, ModelKind.POLICY, version, version > 1 ? version - 1 : null, version * 10, "sft", Map.of("loss", 1.0 / version));
  }

  @Test
  void subscribersSwitchOnlyToWholeVerifiedNewerVersions() throws Exception {
    try (LocalStack stack = LocalStack.start(null, 0, 0, "weights", 1)) {
      String topic = stack.topics().names().weights();
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      Map<Long, byte[]> received = new ConcurrentHashMap<>();
      try (WeightPublisher pub = new WeightPublisher(stack.clientProps(), registry, topic, "weights", "t-weights-policy")) {
        byte[] v1 = blob(2_500_000, 1);
        ModelManifest m1 = pub.publish(v("policy", 1), v1);
        assertEquals(3, m1.getChunkCount(), "2.5 MB in chunks of at most 1,000,000 bytes");
        try (WeightSubscriber a = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals,
                 (m, b) -> received.put(m.getVersion(), b));
             WeightSubscriber b = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals, (m, x) -> { });
             WeightSubscriber reward = new WeightSubscriber(stack.clientProps(), registry, topic, "reward"::equals, (m, x) -> { })) {
          assertTrue(a.await("policy", 1, Duration.ofSeconds(30)));
          assertArrayEquals(v1, received.get(1L));

          // an aborted transaction is never seen
          pub.producer().beginTransaction();
          pub.producer().send(new ProducerRecord<>(topic, 0, "policy/manifest", ModelManifest.newBuilder(m1).setVersion(99).build()));
          pub.producer().abortTransaction();

          // a version whose bytes do not match its manifest is refused
          pub.producer().beginTransaction();
          pub.producer().send(new ProducerRecord<>(topic, 0, "policy/chunk/0", WeightChunk.newBuilder().setRunId("weights")
              .setModel("policy").setVersion(2).setIndex(0).setCount(1).setData(ByteBuffer.wrap(blob(10, 2))).build()));
          pub.producer().send(new ProducerRecord<>(topic, 0, "policy/manifest", ModelManifest.newBuilder(m1)
              .setVersion(2).setByteSize(10).setChunkCount(1).setSha256("00".repeat(32)).setCreatedAt(Instant.now()).build()));
          pub.producer().commitTransaction();

          byte[] v3 = blob(1_200_000, 3);
          pub.publish(v("policy", 3), v3);
          assertTrue(a.await("policy", 3, Duration.ofSeconds(30)));
          assertTrue(b.await("policy", 3, Duration.ofSeconds(30)));
          assertArrayEquals(v3, received.get(3L));
          assertEquals(1, a.rejected(), "the corrupt v2 was refused");
          assertTrue(!received.containsKey(2L) && !received.containsKey(99L));
          assertTrue(reward.version("reward").isEmpty(), "a subscriber only follows its models");
        }
        // a late subscriber reads the compacted topic from the start and ends at the newest version
        Map<Long, byte[]> late = new ConcurrentHashMap<>();
        try (WeightSubscriber c = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals,
            (m, x) -> late.put(m.getVersion(), x))) {
          assertTrue(c.await("policy", 3, Duration.ofSeconds(30)));
          assertEquals(List.of(3L), late.keySet().stream().filter(k -> k == 3L).toList());
        }
      }
    }
  }
}
