package dev.juice.evaluator;

import com.vader.sentiment.analyzer.SentimentAnalyzer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The gold reward: VADER's compound score in [−1, 1] (Hutto & Gilbert 2014), from the MIT Java port
 * on Maven Central ({@code com.github.apanimesh061:vader-sentiment-analyzer:1.0}) — an
 * implementation nobody on the team wrote, checked against the reference JavaScript scores by
 * {@code GoldRewardTest}. Used only to evaluate, never to train.
 */
public final class GoldReward {
  /** VADER's conventional thresholds: compound > 0.05 positive, < −0.05 negative. */
  public static final double POSITIVE = 0.05;

  /** Compound score of a text; 0 for blank text. Thread-safe (one analyzer per call). */
  public double score(String text) {
    if (text == null || text.isBlank()) return 0;
    try {
      SentimentAnalyzer a = new SentimentAnalyzer(text);
      a.analyze();
      Float c = a.getPolarity().get("compound");
      return c == null ? 0 : c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** −1, 0 or 1: negative, neutral or positive by VADER's thresholds. */
  public static int polarityClass(double compound) {
    return compound > POSITIVE ? 1 : compound < -POSITIVE ? -1 : 0;
  }
}
