package dev.juice.ingest.topology;

/**
 * Why an input record was refused. The message names the rule and the field, never the content, so
 * it is safe to log and to put in DLQ headers.
 *
 * @param reason short machine-readable rule name (e.g. {@code missing-field}, {@code invalid-utf8})
 * @param exception class name of the underlying exception; {@link Validator} for a broken validation rule
 * @param message human-readable explanation without payload text
 */
public record Rejection(String reason, String exception, String message) {
  static Rejection of(String reason, String message) {
    return new Rejection(reason, Validator.class.getName(), message);
  }
}
