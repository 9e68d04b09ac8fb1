package dev.juice.common.avro;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not answer (unreachable, timed out, 5xx) while a record was being
 * deserialised. The record itself may be fine: callers retry it later instead of dead-lettering or
 * skipping it. A {@link RetriableException}, so Kafka's own retry conventions apply.
 */
public final class RegistryUnavailableException extends RetriableException {
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e} or one of its causes is a registry outage (and not a bad record). */
  public static boolean in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryUnavailableException) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }
}
