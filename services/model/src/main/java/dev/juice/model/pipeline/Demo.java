package dev.juice.model.pipeline;

/**
 * A demonstration as the trainers see it.
 *
 * @param id content id (ingest's SHA-256), stable across runs and replays
 * @param prompt x
 * @param response y
 */
public record Demo(String id, String prompt, String response) {}
