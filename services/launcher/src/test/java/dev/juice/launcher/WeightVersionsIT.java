package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.ModelKind;
import dev.juice.avro.ModelManifest;
import dev.juice.avro.WeightChunk;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.weights.ClaimCheck;
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

  @Test
  void largeVersionsGoByClaimCheckAndAreVerifiedBeforeTheSwitch(@org.junit.jupiter.api.io.TempDir java.nio.file.Path blobs)
      throws Exception {
    ClaimCheck cc = ClaimCheck.in(blobs, 1_000_000);
    try (LocalStack stack = LocalStack.start(null, 0, 0, "claims", 1)) {
      String topic = stack.topics().names().weights();
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      Map<Long, byte[]> received = new ConcurrentHashMap<>();
      try (WeightPublisher pub = new WeightPublisher(stack.clientProps(), registry, topic, "claims", "t-claims-policy", cc);
           WeightSubscriber sub = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals,
               (m, b) -> received.put(m.getVersion(), b), cc);
           WeightSubscriber unmounted = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals, (m, b) -> { },
               ClaimCheck.NONE)) {
        byte[] small = blob(500_000, 1);
        ModelManifest m1 = pub.publish(v("policy", 1), small);
        assertEquals(1, m1.getChunkCount(), "under the threshold: chunks on the log");
        assertEquals(null, m1.getUri());

        byte[] big = blob(3_000_000, 2);
        ModelManifest m2 = pub.publish(v("policy", 2), big);
        assertEquals(0, m2.getChunkCount(), "over the threshold: no chunks");
        assertEquals(blobs.resolve("claims/policy/" + m2.getSha256() + ".juicew").toUri().toString(), m2.getUri());
        assertTrue(sub.await("policy", 2, Duration.ofSeconds(30)));
        assertArrayEquals(big, received.get(2L));

        // a reader without the shared directory keeps v1 and counts the refusal
        assertTrue(unmounted.await("policy", 1, Duration.ofSeconds(30)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (unmounted.rejected() < 1 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(1, unmounted.rejected());
        assertEquals(1L, unmounted.version("policy").orElseThrow());

        // a file altered after publishing is refused: the subscriber stays on v2
        byte[] big3 = blob(3_000_000, 3);
        ModelManifest m3 = pub.publish(v("policy", 3), big3);
        assertTrue(sub.await("policy", 3, Duration.ofSeconds(30)));
        java.nio.file.Path f4 = java.nio.file.Path.of(java.net.URI.create(m3.getUri())).resolveSibling("tampered.juicew");
        byte[] big4 = blob(3_000_000, 4);
        java.nio.file.Files.write(f4, big3); // holds v3's bytes, not the ones v4's sha256 names
        pub.producer().beginTransaction();
        pub.producer().send(new ProducerRecord<>(topic, 0, "policy/manifest", ModelManifest.newBuilder(m3).setVersion(4)
            .setSha256(dev.juice.common.Hashing.sha256Hex(big4)).setUri(f4.toUri().toString()).setCreatedAt(Instant.now()).build()));
        pub.producer().commitTransaction();
        byte[] big5 = blob(3_000_000, 5);
        pub.publish(v("policy", 5), big5);
        assertTrue(sub.await("policy", 5, Duration.ofSeconds(30)));
        assertEquals(1, sub.rejected(), "v4's file does not match its sha256");
        assertTrue(!received.containsKey(4L));
        assertArrayEquals(big5, received.get(5L));

        // the trainers' resume path reads claim-checked versions too (from this process's environment: none here)
        assertTrue(dev.juice.common.weights.WeightSnapshot.read(stack.clientProps(), registry, topic, Duration.ofSeconds(30))
            .latest("policy").map(l -> l.version() == 1).orElse(false), "without JUICE_BLOB_DIR the snapshot keeps the newest chunked version");
      }
    }
  }

  @Test
  void aGarbageRecordOnTheWeightsTopicIsSkippedNotFatal() throws Exception {
    try (LocalStack stack = LocalStack.start(null, 0, 0, "garbage", 1)) {
      String topic = stack.topics().names().weights();
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      try (WeightPublisher pub = new WeightPublisher(stack.clientProps(), registry, topic, "garbage", "t-garbage");
           WeightSubscriber sub = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals, (m, b) -> { })) {
        pub.publish(v("policy", 1), blob(1000, 1));
        assertTrue(sub.await("policy", 1, Duration.ofSeconds(30)));
        // what kcat or a stray client could write: not Confluent wire format, and a frame naming an unknown schema id
        try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(stack.clientProps(),
            new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
          raw.send(new ProducerRecord<>(topic, 0, "policy/manifest".getBytes(), "garbage".getBytes())).get();
          raw.send(new ProducerRecord<>(topic, 0, "policy/manifest".getBytes(), new byte[] {0, 0, 0, 0, 99, 2, 4})).get();
        }
        byte[] v2 = blob(1000, 2);
        pub.publish(v("policy", 2), v2);
        assertTrue(sub.await("policy", 2, Duration.ofSeconds(30)), "the subscriber goes on past the garbage");
        assertTrue(sub.alive());
        assertEquals(2, sub.rejected(), "both undecodable records counted");
        // a trainer resuming reads past them too
        assertEquals(2L, dev.juice.common.weights.WeightSnapshot.read(stack.clientProps(), registry, topic, Duration.ofSeconds(30))
            .latest("policy").orElseThrow().version());
      }
    }
  }

  /** A subscriber whose thread died (here: the listener throws an Error, as an OutOfMemoryError would) ends every wait at once. */
  @Test
  void waitingOnADeadSubscriberReturnsAtOnceWithTheCause() throws Exception {
    try (LocalStack stack = LocalStack.start(null, 0, 0, "dead", 1)) {
      String topic = stack.topics().names().weights();
      var registry = new RestSchemaRegistryClient(stack.settings().registryUrl());
      try (WeightPublisher pub = new WeightPublisher(stack.clientProps(), registry, topic, "dead", "t-dead");
           WeightSubscriber sub = new WeightSubscriber(stack.clientProps(), registry, topic, "policy"::equals, (m, b) -> {
             throw new OutOfMemoryError("simulated: no heap for the blob");
           })) {
        pub.publish(v("policy", 1), blob(1000, 1));
        long t0 = System.nanoTime();
        assertTrue(!sub.await("policy", 1, Duration.ofMinutes(2)), "never switched");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos(), "returned when the thread died, not at the timeout");
        assertTrue(sub.failure() instanceof OutOfMemoryError, String.valueOf(sub.failure()));
        assertTrue(!sub.alive());
      }
    }
  }
}
