package dev.juice.schemaregistry;

/** Schema texts used by the registry tests: v1, a BACKWARD/FORWARD-compatible v2, and breaking changes. */
final class Schemas {
  static final String V1 = """
      {"type":"record","name":"Review","namespace":"t","fields":[
        {"name":"text","type":"string"}]}""";
  /** Adds a field with a default: FULL compatible with V1. */
  static final String V2_ADD_DEFAULT = """
      {"type":"record","name":"Review","namespace":"t","fields":[
        {"name":"text","type":"string"},
        {"name":"stars","type":"int","default":3}]}""";
  /** Adds a field without a default: FORWARD compatible only (new reader cannot read old data). */
  static final String V2_ADD_REQUIRED = """
      {"type":"record","name":"Review","namespace":"t","fields":[
        {"name":"text","type":"string"},
        {"name":"stars","type":"int"}]}""";
  /** Changes the type of a field: incompatible both ways. */
  static final String V2_TYPE_CHANGE = """
      {"type":"record","name":"Review","namespace":"t","fields":[
        {"name":"text","type":"int"}]}""";
  /** Drops 'stars' (which had a default) from V2_ADD_DEFAULT: FULL compatible with V2, BACKWARD with V1. */
  static final String V3_DROP_STARS = V1;

  private Schemas() {}
}
