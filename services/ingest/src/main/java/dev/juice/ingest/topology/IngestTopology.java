package dev.juice.ingest.topology;

import dev.juice.avro.Demonstration;
import dev.juice.avro.PreferencePair;
import dev.juice.common.kafka.DeadLetterHeaders;
import dev.juice.common.kafka.RunTopics;
import dev.juice.common.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology, pure: topics and serdes in, {@link Topology} out.
 *
 * <pre>
 * demonstrations.raw (JSON bytes) ─► validate ─┬─► dlq (raw bytes + juice.dlq.* headers)
 *                                              └─► repartition by content hash ─► dedupe (store) ─► demonstrations (Avro, key = id)
 * preferences.raw    (JSON bytes) ─► validate ─┬─► dlq
 *                                              └─► repartition by content hash ─► dedupe (store) ─► preferences (Avro, key = id)
 * </pre>
 *
 * Repartitioning by content hash sends every copy of a record to the same task, so the dedupe store
 * sees all of them whatever raw partition they arrived on; the store is changelogged, so dedupe holds
 * across restarts. Run with {@code exactly_once_v2}.
 */
public final class IngestTopology {
  public static final String DEMONSTRATION_DEDUPE_STORE = "demonstration-dedupe-store";
  public static final String PREFERENCE_DEDUPE_STORE = "preference-dedupe-store";

  private final RunTopics topics;
  private final Validator validator;

  public IngestTopology(RunTopics topics, Limits limits) {
    this.topics = topics;
    this.validator = new Validator(topics.names().run(), limits);
  }

  /** Validated-or-rejected value travelling between the validate step and the branches. */
  private record Checked<T>(T value, byte[] raw) {}

  public Topology build() {
    StreamsBuilder b = new StreamsBuilder();
    flow(b, "demonstrations", topics.demonstrationsRaw(), topics.demonstrations(), DEMONSTRATION_DEDUPE_STORE,
        validator::demonstration, Demonstration::getContentHash, Demonstration::getId);
    flow(b, "preferences", topics.preferencesRaw(), topics.preferences(), PREFERENCE_DEDUPE_STORE,
        validator::preference, PreferencePair::getContentHash, PreferencePair::getId);
    return b.build();
  }

  private interface Check<T> {
    Validator.Result<T> apply(byte[] raw, long timestampMs);
  }

  private <T extends SpecificRecord> void flow(StreamsBuilder b, String kind, Topic<byte[], byte[]> raw,
      Topic<String, T> out, String storeName, Check<T> check, Function<T, String> hash, Function<T, String> id) {
    b.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.Long()));

    KStream<byte[], Checked<T>> checked = b
        .stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName(kind + "-raw-source"))
        .process(() -> new ValidateProcessor<>(check), Named.as(kind + "-validate"));

    checked.split(Named.as(kind + "-split-"))
        .branch((k, v) -> v.value() == null, Branched.<byte[], Checked<T>>withConsumer(rejected -> rejected
            .mapValues(Checked::raw, Named.as(kind + "-rejected-raw"))
            .to(topics.deadLetters().name(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName(kind + "-dlq-sink"))).withName("rejected"))
        .defaultBranch(Branched.<byte[], Checked<T>>withConsumer(valid -> valid
            .selectKey((k, v) -> hash.apply(v.value()), Named.as(kind + "-key-by-hash"))
            .mapValues(Checked::value, Named.as(kind + "-unwrap"))
            .repartition(Repartitioned.with(Serdes.String(), out.valueSerde()).withName(kind + "-by-hash"))
            .process(() -> new DedupeProcessor<>(storeName, id), Named.as(kind + "-dedupe"), storeName)
            .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(kind + "-sink")))
            .withName("valid"));
  }

  /** Validates raw bytes; a rejection keeps the raw bytes and gains juice.dlq.* headers. */
  private static final class ValidateProcessor<T> extends ContextualProcessor<byte[], byte[], byte[], Checked<T>> {
    private final Check<T> check;

    ValidateProcessor(Check<T> check) {
      this.check = check;
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
      Validator.Result<T> result = check.apply(r.value(), r.timestamp());
      if (result.isValid()) {
        context().forward(r.withValue(new Checked<>(result.value(), null)));
        return;
      }
      Rejection why = result.rejection();
      RecordHeaders h = new RecordHeaders(r.headers().toArray());
      RecordMetadata m = context().recordMetadata().orElse(null);
      put(h, DeadLetterHeaders.REASON, why.reason());
      put(h, DeadLetterHeaders.EXCEPTION, why.exception());
      put(h, DeadLetterHeaders.MESSAGE, why.message());
      put(h, DeadLetterHeaders.TOPIC, m == null ? "" : m.topic());
      put(h, DeadLetterHeaders.PARTITION, m == null ? "" : String.valueOf(m.partition()));
      put(h, DeadLetterHeaders.OFFSET, m == null ? "" : String.valueOf(m.offset()));
      IngestLog.rejected(m, why);
      context().forward(new Record<>(r.key(), new Checked<T>(null, r.value()), r.timestamp(), h));
    }

    private static void put(RecordHeaders h, String key, String value) {
      h.remove(key);
      h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Forwards the first record of each content hash, keyed by its id; drops later copies. */
  private static final class DedupeProcessor<T> extends ContextualProcessor<String, T, String, T> {
    private final String storeName;
    private final Function<T, String> id;
    private KeyValueStore<String, Long> seen;

    DedupeProcessor(String storeName, Function<T, String> id) {
      this.storeName = storeName;
      this.id = id;
    }

    @Override
    public void init(org.apache.kafka.streams.processor.api.ProcessorContext<String, T> context) {
      super.init(context);
      seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, T> r) {
      if (seen.get(r.key()) != null) {
        IngestLog.duplicate(context().recordMetadata().orElse(null));
        return;
      }
      seen.put(r.key(), r.timestamp());
      context().forward(r.withKey(id.apply(r.value())));
    }
  }
}
