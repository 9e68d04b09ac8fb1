package dev.juice.common.avro;

import java.util.Map;

/** Config keys of Juice's Avro serde; the first four are Confluent's names, so configs port as-is. */
public final class AvroSerdeConfig {
  /** Base URL of a Confluent-compatible registry. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** Register the record's schema under the subject on first use (default true). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Write with the subject's latest schema instead of the record's own (default false). */
  public static final String USE_LATEST_VERSION = "use.latest.version";
  /** Deserialise into generated classes rather than GenericRecord (default false). */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  /** Generated class to read into when specific reading is on; the reader schema of resolution. */
  public static final String READER_CLASS = "juice.avro.reader.class";

  private AvroSerdeConfig() {}

  static boolean flag(Map<String, ?> configs, String key, boolean dflt) {
    Object v = configs.get(key);
    return v == null ? dflt : Boolean.parseBoolean(v.toString());
  }

  static String string(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    return v == null ? null : v.toString();
  }
}
