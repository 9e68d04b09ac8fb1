package dev.juice.common.kafka;

/** Header names on dead-letter records: why the record was rejected and where it came from. */
public final class DeadLetterHeaders {
  public static final String EXCEPTION = "juice.dlq.exception";
  public static final String MESSAGE = "juice.dlq.message";
  public static final String REASON = "juice.dlq.reason";
  public static final String TOPIC = "juice.dlq.topic";
  public static final String PARTITION = "juice.dlq.partition";
  public static final String OFFSET = "juice.dlq.offset";

  private DeadLetterHeaders() {}
}
