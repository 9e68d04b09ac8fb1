package dev.juice.model.pipeline;

/**
 * A preference pair (x, A¹, A²) as SER sees it, transport-free.
 *
 * @param id stable id
 * @param prompt x
 * @param a response A¹
 * @param b response A²
 * @param label the human label usable for training: {@code TRUE} = A¹ preferred, {@code FALSE} = A²,
 *     {@code null} = unlabelled
 * @param hidden the true label kept only to measure self-labelling precision; never read for training
 *     ({@code null} when nobody knows it)
 */
public record Preference(String id, String prompt, String a, String b, Boolean label, Boolean hidden) {
  public boolean labelled() {
    return label != null;
  }

  /** The truth for evaluation: the training label if there is one, else the hidden one (may be null). */
  public Boolean truth() {
    return label != null ? label : hidden;
  }
}
