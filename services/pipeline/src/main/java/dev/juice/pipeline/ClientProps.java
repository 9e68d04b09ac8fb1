package dev.juice.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Consumer and producer settings shared by the pipeline services. */
public final class ClientProps {
  private ClientProps() {}

  /** read_committed, no auto-commit, quick failure detection, 100 ms long polls. */
  public static Map<String, Object> consumer(Map<String, Object> base, String groupId, int maxPollRecords) {
    Map<String, Object> p = new HashMap<>(base);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    // long polls: an idle consumer costs a fetch per 100 ms, not per 20 ms (on 2 cores shared with the
    // trainers, 20 ms fetches from every idle worker measurably slowed training)
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15 * 60_000);
    if (groupId == null) p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    else p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    return p;
  }

  /**
   * Transactional producer. A 10 s transaction timeout bounds how long a killed worker's open
   * transaction holds back read_committed readers of its output partitions.
   */
  public static Map<String, Object> transactional(Map<String, Object> base, String transactionalId) {
    Map<String, Object> p = new HashMap<>(base);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    return p;
  }
}
