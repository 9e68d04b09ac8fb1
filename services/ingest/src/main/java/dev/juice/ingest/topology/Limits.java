package dev.juice.ingest.topology;

/**
 * Validation limits of ingestion.
 *
 * @param maxRecordBytes raw JSON record size limit in bytes
 * @param maxPromptChars prompt length limit in Unicode code points, after whitespace normalisation
 * @param maxResponseChars response length limit in code points, after whitespace normalisation
 * @param maxAttributes number of attribute entries allowed
 */
public record Limits(int maxRecordBytes, int maxPromptChars, int maxResponseChars, int maxAttributes) {
  /** Defaults: 64 KiB records, 2,000-character prompts, 8,000-character responses, 32 attributes. */
  public static final Limits DEFAULT = new Limits(64 * 1024, 2_000, 8_000, 32);
}
