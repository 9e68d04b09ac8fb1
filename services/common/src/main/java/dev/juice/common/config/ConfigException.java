package dev.juice.common.config;

/** A configuration value is missing or malformed; the message names the variable. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
