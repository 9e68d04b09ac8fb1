package dev.juice.pipeline;

import dev.juice.common.avro.AvroSerializer;
import dev.juice.common.avro.SchemaRegistryClient;
import dev.juice.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume → process → produce, exactly once: a member of a consumer group that handles each polled
 * batch and commits its outputs and the batch's offsets in one transaction (KIP-447: a zombie from an
 * older group generation is fenced). The sampler and the scorer are this loop with their own
 * handler. Records the handler cannot use go to the run's DLQ, with the raw bytes and the reason,
 * in the same transaction; a failed batch is aborted and retried from its first offset.
 */
public final class ExactlyOnceWorker implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExactlyOnceWorker.class);

  /** Collects a batch's outputs. */
  public interface Sink {
    void send(String topic, String key, SpecificRecord value);

    /** The record goes to the DLQ with its bytes; {@code reason} names the rule, never the payload. */
    void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception cause);
  }

  /** Handles one batch. Throwing aborts the transaction; the batch is retried. */
  public interface Handler {
    void process(List<ConsumerRecord<String, byte[]>> batch, Sink sink) throws Exception;
  }

  private final String name;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerializer<SpecificRecord> values;
  private final String dlqTopic;
  private final Handler handler;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final int maxBatch;
  private final Duration fillWindow = Duration.ofMillis(50);
  private final Counter recordsCounter;
  private final Counter deadLetterCounter;
  private final Timer batchTimer;
  private final KafkaClientMetrics consumerMetrics;
  private final KafkaClientMetrics producerMetrics;

  public ExactlyOnceWorker(String name, Map<String, Object> clientProps, SchemaRegistryClient registry, String inputTopic,
      String groupId, String transactionalId, int maxPollRecords, String dlqTopic, Handler handler) {
    this.name = name;
    this.dlqTopic = dlqTopic;
    this.handler = handler;
    this.maxBatch = maxPollRecords;
    this.values = new AvroSerializer<>(registry, true, false);
    this.consumer = new KafkaConsumer<>(ClientProps.consumer(clientProps, groupId, maxPollRecords),
        new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> pp = ClientProps.transactional(clientProps, transactionalId);
    pp.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 * 1024 * 1024);
    this.producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
    consumer.subscribe(List.of(inputTopic));
    Tags tags = Tags.of("worker", name, "topic", inputTopic);
    MeterRegistry reg = Metrics.globalRegistry;
    this.recordsCounter = Counter.builder("juice.worker.records").description("input records committed").tags(tags).register(reg);
    this.deadLetterCounter = Counter.builder("juice.worker.dead_letters").description("input records sent to the DLQ").tags(tags).register(reg);
    this.batchTimer = Timer.builder("juice.worker.batch").description("process + commit of one batch").tags(tags).register(reg);
    this.consumerMetrics = new KafkaClientMetrics(consumer, tags);
    this.producerMetrics = new KafkaClientMetrics(producer, tags);
    consumerMetrics.bindTo(reg);
    producerMetrics.bindTo(reg);
  }

  /** Whether the consumer holds at least one open broker connection (for readiness). */
  public boolean connected() {
    try {
      for (var e : consumer.metrics().entrySet()) {
        if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("consumer-metrics")) {
          return ((Number) e.getValue().metricValue()).doubleValue() > 0;
        }
      }
    } catch (RuntimeException e) {
      return false;
    }
    return false;
  }

  /** False once the loop stopped (closed, fenced or failed). */
  public boolean alive() {
    return stopped.getCount() > 0;
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(200));
        if (polled.isEmpty()) continue;
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        polled.forEach(batch::add);
        // a short fill window: records written together (one round's requests) but fetched from
        // several partitions in separate responses become one batch, and one efficient model call
        long until = System.nanoTime() + fillWindow.toNanos();
        while (batch.size() < maxBatch && System.nanoTime() < until) {
          ConsumerRecords<String, byte[]> more = consumer.poll(Duration.ofMillis(10));
          more.forEach(batch::add);
        }
        processBatch(batch);
      }
    } catch (WakeupException e) {
      if (running.get()) throw e;
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      log.warn("{}: fenced by a newer instance; stopping", name);
    } finally {
      try {
        consumerMetrics.close();
        producerMetrics.close();
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
      } finally {
        stopped.countDown();
      }
    }
  }

  private void processBatch(List<ConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : batch) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.merge(tp, r.offset(), Math::min);
      next.merge(tp, new OffsetAndMetadata(r.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    Sink sink = new Sink() {
      @Override
      public void send(String topic, String key, SpecificRecord value) {
        out.add(new ProducerRecord<>(topic, key, values.serialize(topic, value)));
      }

      @Override
      public void deadLetter(ConsumerRecord<String, byte[]> r, String reason, Exception cause) {
        ProducerRecord<String, byte[]> d = new ProducerRecord<>(dlqTopic, r.key(), r.value());
        d.headers().add(new RecordHeader(DeadLetterHeaders.REASON, utf8(reason)));
        d.headers().add(new RecordHeader(DeadLetterHeaders.EXCEPTION, utf8(cause == null ? "" : cause.getClass().getName())));
        d.headers().add(new RecordHeader(DeadLetterHeaders.TOPIC, utf8(r.topic())));
        d.headers().add(new RecordHeader(DeadLetterHeaders.PARTITION, utf8(String.valueOf(r.partition()))));
        d.headers().add(new RecordHeader(DeadLetterHeaders.OFFSET, utf8(String.valueOf(r.offset()))));
        out.add(d);
        deadLetters.incrementAndGet();
        deadLetterCounter.increment();
        log.warn("{}: {} partition {} offset {} dead-lettered: {}", name, r.topic(), r.partition(), r.offset(), reason);
      }
    };
    long t0 = System.nanoTime();
    try {
      handler.process(batch, sink);
      producer.beginTransaction();
      for (ProducerRecord<String, byte[]> r : out) producer.send(r);
      producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
      producer.commitTransaction();
      batches.incrementAndGet();
      records.addAndGet(batch.size());
      recordsCounter.increment(batch.size());
      batchTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (ProducerFencedException | InvalidProducerEpochException | WakeupException e) {
      throw e;
    } catch (Exception e) {
      log.error("{}: batch of {} records failed; aborting and retrying it", name, batch.size(), e);
      try {
        producer.abortTransaction();
      } catch (KafkaException abort) {
        log.debug("abort after failure", abort);
      }
      first.forEach(consumer::seek);
      sleep(1_000);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long batches() {
    return batches.get();
  }

  public long records() {
    return records.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  /** Stops after the current batch and waits for the loop to end. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      stopped.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
