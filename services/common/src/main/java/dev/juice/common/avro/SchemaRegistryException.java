package dev.juice.common.avro;

/**
 * An error answer from a Confluent-compatible schema registry: the HTTP status, Confluent's
 * {@code error_code} (e.g. 40401 subject not found, 409 incompatible) and its message.
 */
public class SchemaRegistryException extends RuntimeException {
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(int status, int errorCode, String message) {
    super(message + " (HTTP " + status + ", error_code " + errorCode + ")");
    this.status = status;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
    this.errorCode = -1;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /**
   * Whether asking again later may succeed: no HTTP answer at all (unreachable, timed out,
   * interrupted), a server error (5xx), 408 or 429. A 4xx answer about the request itself (unknown
   * schema id, incompatible schema) is not transient.
   */
  public boolean isTransient() {
    return status == -1 || status >= 500 || status == 408 || status == 429;
  }
}
