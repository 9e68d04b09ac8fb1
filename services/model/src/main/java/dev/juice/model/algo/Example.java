package dev.juice.model.algo;

/** A prompt and a human response (a demonstration), or a whole sentence (empty prompt) for pre-training. */
public record Example(String prompt, String response) {}
