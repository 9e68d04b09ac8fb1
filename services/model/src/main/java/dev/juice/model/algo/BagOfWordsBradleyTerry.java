package dev.juice.model.algo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import dev.juice.model.pipeline.Preference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The yardstick a learned reward model has to beat: a Bradley–Terry model whose reward is linear in
 * bag-of-words features, r(x, y) = w · f(x + " " + y), with f the presence of each lower-cased word
 * unigram and bigram seen in the training pairs. P(A¹ ≻ A²) = σ(w · (f(A¹) − f(A²))), fitted by
 * full-batch Adam on the mean logistic loss plus (λ/2)·|w|² with DJL's autograd. The problem is
 * convex, so the fit depends on λ alone; pick λ on a validation split ({@link #selectL2}).
 */
public final class BagOfWordsBradleyTerry {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)*");

  private final Map<String, Integer> index;
  private final float[] weights;
  private final double l2;

  private BagOfWordsBradleyTerry(Map<String, Integer> index, float[] weights, double l2) {
    this.index = index;
    this.weights = weights;
    this.l2 = l2;
  }

  /** Unigram and bigram features of a text (lower-cased words; order of first occurrence, no repeats). */
  public static Set<String> features(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) words.add(m.group());
    Set<String> out = new LinkedHashSet<>(words);
    for (int i = 1; i < words.size(); i++) out.add(words.get(i - 1) + ' ' + words.get(i));
    return out;
  }

  /**
   * Fits on every pair with a known truth ({@link Preference#truth()}).
   *
   * @param l2 λ of the (λ/2)·|w|² penalty, &gt; 0
   * @param steps full-batch Adam steps (the loss is smooth and convex; 300 reach its optimum to ~1e-4)
   */
  public static BagOfWordsBradleyTerry fit(List<Preference> pairs, double l2, int steps, NDManager parent) {
    if (!(l2 > 0)) throw new IllegalArgumentException("l2 must be > 0, got " + l2);
    List<Preference> known = pairs.stream().filter(p -> p.truth() != null).toList();
    if (known.isEmpty()) throw new IllegalArgumentException("no pair with a label to fit");
    Map<String, Integer> index = new LinkedHashMap<>();
    List<Set<String>> fa = new ArrayList<>();
    List<Set<String>> fb = new ArrayList<>();
    for (Preference p : known) {
      fa.add(features(p.prompt() + " " + p.a()));
      fb.add(features(p.prompt() + " " + p.b()));
      for (String f : fa.get(fa.size() - 1)) index.putIfAbsent(f, index.size());
      for (String f : fb.get(fb.size() - 1)) index.putIfAbsent(f, index.size());
    }
    int n = known.size();
    int d = index.size();
    float[] x = new float[n * d];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      for (String f : fa.get(i)) x[i * d + index.get(f)] += 1;
      for (String f : fb.get(i)) x[i * d + index.get(f)] -= 1;
      y[i] = known.get(i).truth() ? 1f : -1f;
    }
    float[] w;
    try (NDManager m = parent.newSubManager()) {
      NDArray xs = m.create(x, new Shape(n, d));
      NDArray ys = m.create(y);
      NDArray lambda = m.create((float) (l2 / 2));
      NDArray weight = m.zeros(new Shape(d));
      weight.setRequiresGradient(true);
      var adam = ai.djl.training.optimizer.Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build();
      for (int s = 0; s < steps; s++) {
        try (NDManager step = m.newSubManager()) {
          NDArray grad;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray margin = xs.matMul(weight).mul(ys); // (N): y · w·(f(A¹) − f(A²))
            // −log σ(z) = softplus(−z); the penalty's scalar is an NDArray of this step (see Transformer)
            NDArray loss = Activation.softPlus(margin.neg()).mean().add(weight.square().sum().mul(lambda));
            gc.backward(loss);
          }
          grad = weight.getGradient();
          grad.attach(step);
          adam.update("w", weight, grad);
          grad.subi(grad);
        }
      }
      w = weight.toFloatArray();
    }
    return new BagOfWordsBradleyTerry(index, w, l2);
  }

  /**
   * Chooses λ from {@code grid} by accuracy on {@code validation} after fitting on {@code fit} (ties:
   * the larger λ, the simpler model), then refits on fit ∪ validation.
   */
  public static BagOfWordsBradleyTerry selectL2(List<Preference> fit, List<Preference> validation, List<Double> grid,
      int steps, NDManager parent) {
    double best = Double.NaN;
    double bestAcc = -1;
    for (double l2 : grid.stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
      double acc = fit(fit, l2, steps, parent).accuracy(validation);
      if (acc > bestAcc) {
        bestAcc = acc;
        best = l2;
      }
    }
    List<Preference> all = new ArrayList<>(fit);
    all.addAll(validation);
    return fit(all, best, steps, parent);
  }

  public double l2() {
    return l2;
  }

  /** Number of features (unigrams + bigrams of the training pairs). */
  public int featureCount() {
    return index.size();
  }

  /** r(x, y): features never seen in training weigh nothing. */
  public double reward(String prompt, String response) {
    double r = 0;
    for (String f : features(prompt + " " + response)) {
      Integer i = index.get(f);
      if (i != null) r += weights[i];
    }
    return r;
  }

  /** Share of pairs with a known truth whose preferred response gets the higher reward (a tie counts ½). */
  public double accuracy(List<Preference> pairs) {
    double right = 0;
    int n = 0;
    for (Preference p : pairs) {
      if (p.truth() == null) continue;
      n++;
      double ra = reward(p.prompt(), p.a());
      double rb = reward(p.prompt(), p.b());
      if (ra == rb) right += 0.5;
      else if (p.truth() == ra > rb) right++;
    }
    return n == 0 ? Double.NaN : right / n;
  }
}
