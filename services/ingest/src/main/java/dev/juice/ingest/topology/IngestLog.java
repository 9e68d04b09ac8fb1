package dev.juice.ingest.topology;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of ingest decisions: topic/partition/offset and the rule, never payload text. Rejections are
 * logged at WARN for the first 100 and then every 1,000th, so a flood of bad input cannot flood the log.
 */
final class IngestLog {
  private static final Logger log = LoggerFactory.getLogger(IngestLog.class);
  private static final AtomicLong REJECTED = new AtomicLong();
  private static final AtomicLong DUPLICATES = new AtomicLong();

  private IngestLog() {}

  static void rejected(RecordMetadata m, Rejection why) {
    long n = REJECTED.incrementAndGet();
    if (n <= 100 || n % 1000 == 0) {
      log.warn("rejected record {}-{}@{} to the DLQ: {} ({}) [{} rejected so far]",
          m == null ? "?" : m.topic(), m == null ? -1 : m.partition(), m == null ? -1 : m.offset(),
          why.reason(), why.message(), n);
    }
  }

  static void duplicate(RecordMetadata m) {
    long n = DUPLICATES.incrementAndGet();
    if (log.isDebugEnabled()) {
      log.debug("dropped duplicate {}-{}@{} [{} so far]", m == null ? "?" : m.topic(),
          m == null ? -1 : m.partition(), m == null ? -1 : m.offset(), n);
    }
  }
}
