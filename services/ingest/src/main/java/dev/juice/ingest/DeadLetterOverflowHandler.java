package dev.juice.ingest;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ingest alive when a rejected record is too large even for the DLQ (the raw topics accept
 * 4 MiB, the DLQ 5 MiB, so this needs a misconfigured topic): that record is logged by
 * topic/partition/offset and skipped. Any other production failure — above all on the validated
 * output topics — stops the task, because losing a valid record silently is worse than stopping.
 */
public final class DeadLetterOverflowHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterOverflowHandler.class);

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException && record.topic().endsWith(".dlq")) {
      log.error("dropping a {}-byte rejected record from {}-{}@{}: too large for the DLQ {}",
          record.value() == null ? 0 : record.value().length, context.topic(), context.partition(),
          context.offset(), record.topic());
      return ProductionExceptionHandlerResponse.CONTINUE;
    }
    return ProductionExceptionHandlerResponse.FAIL;
  }

  @Override
  public void configure(Map<String, ?> configs) {}
}
