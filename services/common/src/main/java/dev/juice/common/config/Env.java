package dev.juice.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed, fail-fast reads of {@code JUICE_*} variables from an environment map. Every error names the
 * variable and the value that was wrong. Services build their {@code XConfig} records with it; tests
 * pass a plain map.
 */
public final class Env {
  private final Map<String, String> env;

  public Env(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  public Map<String, String> asMap() {
    return env;
  }

  public Optional<String> optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is required but not set"));
  }

  public int integer(String name, int defaultValue) {
    return parse(name, defaultValue, Integer::parseInt, "an integer");
  }

  public long longValue(String name, long defaultValue) {
    return parse(name, defaultValue, Long::parseLong, "an integer");
  }

  public double decimal(String name, double defaultValue) {
    return parse(name, defaultValue, Double::parseDouble, "a number");
  }

  public boolean bool(String name, boolean defaultValue) {
    return parse(
        name,
        defaultValue,
        s -> {
          String l = s.toLowerCase(Locale.ROOT);
          if (l.equals("true") || l.equals("1") || l.equals("yes")) return true;
          if (l.equals("false") || l.equals("0") || l.equals("no")) return false;
          throw new IllegalArgumentException(s);
        },
        "true or false");
  }

  public Path path(String name, Path defaultValue) {
    return parse(name, defaultValue, Path::of, "a path");
  }

  /** A duration as ISO-8601 ({@code PT5S}) or a number with unit ms, s, m, h ({@code 500ms}, {@code 5s}). */
  public Duration duration(String name, Duration defaultValue) {
    return parse(name, defaultValue, Env::parseDuration, "a duration such as 500ms, 5s, 2m or PT5S");
  }

  /** Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601. */
  public static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(s, e);
    }
    if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
    if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    if (t.endsWith("h")) return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
    throw new IllegalArgumentException(s);
  }

  private <T> T parse(String name, T defaultValue, Function<String, T> parser, String expected) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return defaultValue;
    try {
      return parser.apply(raw.get());
    } catch (RuntimeException e) {
      throw new ConfigException(name + " must be " + expected + ", got '" + raw.get() + "'", e);
    }
  }
}
