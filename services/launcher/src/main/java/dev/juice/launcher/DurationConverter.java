package dev.juice.launcher;

import dev.juice.common.config.Env;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Parses 500ms, 30s, 5m, 1h or ISO-8601 durations in options. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Env.parseDuration(value);
  }
}
