package dev.juice.datasets;

/**
 * One human-labelled review sentence.
 *
 * @param source which file it came from (imdb, amazon, yelp)
 * @param text the sentence, trimmed
 * @param positive the human label (class 1)
 */
public record Sentence(String source, String text, boolean positive) {}
