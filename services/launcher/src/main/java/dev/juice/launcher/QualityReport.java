package dev.juice.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import dev.juice.evaluator.Evaluation;
import dev.juice.evaluator.Plots;
import dev.juice.model.pipeline.SerLearner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of one or more `juice bench quality` runs — a row per (method, ρ, seed), the SER rows,
 * the gold reward after every round — with BENCHMARK.md's tables (mean ± half-range over seeds), the
 * plots and the JSON. Runs of different seeds or ρ made as separate processes combine with
 * {@link #merge}; the JSON written by one run reads back with {@link #read}.
 */
final class QualityReport {
  /** One evaluated model. {@code rho} is NaN for the base model (it sees no demonstrations). */
  record Row(String method, double rho, long seed, Evaluation.Result r, double seconds) {
    String key() {
      return method + " ρ=" + (Double.isNaN(rho) ? "—" : rho) + " seed " + seed;
    }
  }

  /**
   * One SER table row: a seed share's RM after a loop (0 = seed only, -1 = all labels), trained from
   * the SFT trunk at ρ; or the bag-of-words Bradley–Terry baseline fitted on the seed share's labels
   * ({@value #BOW_SHARE}) or on all labels ({@value #BOW_ALL}).
   */
  record SerRow(double rho, double share, long seed, SerLearner.Loop loop) {
    String rm() {
      return switch (loop.loop()) {
        case BOW_SHARE -> "bag-of-words BT, seed labels";
        case BOW_ALL -> "bag-of-words BT, all labels";
        case -1 -> "all labels";
        case 0 -> "seed only";
        default -> "SER loop " + loop.loop();
      };
    }

    /** Reading order within a share: seed only, SER loops, the baseline on the same labels, all labels, the baseline on all labels. */
    int order() {
      return switch (loop.loop()) {
        case BOW_SHARE -> 1_000;
        case -1 -> 1_001;
        case BOW_ALL -> 1_002;
        default -> loop.loop();
      };
    }

    String key() {
      return "ρ=" + rho + " s=" + share + " " + rm() + " seed " + seed;
    }
  }

  /** Gold reward of one method's policy after every round (index 0 = the SFT model). */
  record Curve(String label, long seed, double[] gold) {
    String key() {
      return label + " seed " + seed;
    }
  }

  private static final Pattern SEED_SUFFIX = Pattern.compile("^(.*) seed (\\d+)$");
  private static final Pattern SER_LOOP = Pattern.compile("^SER loop (\\d+)$");

  /** Loop codes of the bag-of-words baseline's rows in the SER table. */
  static final int BOW_SHARE = -2;
  static final int BOW_ALL = -3;

  final List<Row> rows = new ArrayList<>();
  final List<SerRow> ser = new ArrayList<>();
  final List<Curve> curves = new ArrayList<>();
  /** Held-out prompts behind each point of the gold curves; 0 when unknown or different between merged runs. */
  int stagePrompts;
  /**
   * Which split the figures were scored on: "test" (the held-out split) or "validation" (carved from
   * train, for choosing hyper-parameters). Files from before it was written are "test".
   */
  String split = "test";
  /** Where the figures came from (commands or files), for the summary's heading. */
  final List<String> sources = new ArrayList<>();

  /** Distinct seeds in the order they first appear. */
  List<Long> seeds() {
    return rows.stream().map(Row::seed).distinct().toList();
  }

  /** Whether labels must name the seed: more than one seed, or a single seed other than the default 1. */
  boolean namesSeeds() {
    List<Long> s = seeds();
    return s.size() > 1 || (s.size() == 1 && s.get(0) != 1);
  }

  /**
   * Adds another report's figures. A row present in both (the base model appears in every ρ run of a
   * seed) is kept once if its figures agree; the same (method, ρ, seed) with different figures means
   * two different experiments and is refused rather than averaged.
   */
  QualityReport merge(QualityReport other, String what) {
    if (!sources.isEmpty() && !split.equals(other.split)) {
      throw new IllegalArgumentException(what + " was scored on the " + other.split + " split, the files before it on the " + split
          + " split: validation and test figures are never merged");
    }
    split = other.split;
    addOnce(rows, other.rows, Row::key, (x, y) -> sameFigures(x.r(), y.r()), what);
    addOnce(ser, other.ser, SerRow::key, (x, y) -> Double.compare(x.loop().heldOutAccuracy(), y.loop().heldOutAccuracy()) == 0, what);
    java.util.Set<String> haveCurves = new java.util.HashSet<>();
    for (Curve c : curves) haveCurves.add(c.key());
    for (Curve c : other.curves) if (haveCurves.add(c.key())) curves.add(c);
    if (sources.isEmpty()) stagePrompts = other.stagePrompts; // the first file merged into an empty report
    else if (stagePrompts != other.stagePrompts) stagePrompts = 0;
    sources.addAll(other.sources);
    return this;
  }

  /** Appends {@code theirs} to {@code mine}, one entry per key; a key already there must carry the same figures. */
  private static <T> void addOnce(List<T> mine, List<T> theirs, java.util.function.Function<T, String> key,
      java.util.function.BiPredicate<T, T> same, String what) {
    Map<String, T> have = new LinkedHashMap<>();
    for (T t : mine) have.put(key.apply(t), t);
    for (T t : theirs) {
      T old = have.putIfAbsent(key.apply(t), t);
      if (old == null) mine.add(t);
      else if (!same.test(old, t)) {
        throw new IllegalArgumentException(key.apply(t) + " appears twice with different figures (again in " + what
            + "): merge runs of different seeds or ρ, not two runs of the same experiment");
      }
    }
  }

  private static boolean sameFigures(Evaluation.Result a, Evaluation.Result b) {
    return Double.compare(a.goldReward(), b.goldReward()) == 0 && Double.compare(a.kl(), b.kl()) == 0
        && Double.compare(a.sharePositive(), b.sharePositive()) == 0;
  }

  /** The headline table: mean ± half-range over seeds per (method, ρ). */
  String table() {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) groups.computeIfAbsent(r.method() + "|" + (Double.isNaN(r.rho()) ? "—" : r.rho()), k -> new ArrayList<>()).add(r);
    return markdown("| method | ρ | gold reward | share positive | win rate vs SFT | KL to ref | distinct-2 | real-word share "
        + "| seeds |\n|---|---|---|---|---|---|---|---|---|\n", groups, List.of(
            col(r -> r.r().goldReward(), "%+.3f"), col(r -> r.r().sharePositive(), "%.3f"), col(r -> r.r().winRateVsSft(), "%.2f"),
            col(r -> r.r().kl(), "%.2f"), col(r -> r.r().distinct2(), "%.3f"), col(r -> r.r().realWordShare(), "%.3f")));
  }

  /**
   * The second table: gold of the response alone, response length and EOS rate, and the two
   * sampling-free metrics (held-out positive NLL, the log-probability gap on held-out pairs); "" when
   * no row carries them (files from before they were measured).
   */
  String likelihoodTable() {
    if (rows.stream().allMatch(r -> Double.isNaN(r.r().goldResponse()) && Double.isNaN(r.r().pairGap()))) return "";
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) groups.computeIfAbsent(r.method() + "|" + (Double.isNaN(r.rho()) ? "—" : r.rho()), k -> new ArrayList<>()).add(r);
    return markdown("| method | ρ | gold of response only | mean tokens | EOS rate | held-out positive NLL/token "
        + "| log π(pos) − log π(neg) | seeds |\n|---|---|---|---|---|---|---|---|\n", groups, List.of(
            col(r -> r.r().goldResponse(), "%+.3f"), col(r -> r.r().meanTokens(), "%.1f"), col(r -> r.r().eosRate(), "%.3f"),
            col(r -> r.r().positiveNll(), "%.4f"), col(r -> r.r().pairGap(), "%+.3f")));
  }

  /** The SER table: mean ± half-range over seeds per (seed share, RM, SFT trunk ρ); "" without SER rows. */
  String serTable() {
    if (ser.isEmpty()) return "";
    Map<String, List<SerRow>> groups = new LinkedHashMap<>();
    List<SerRow> sorted = new ArrayList<>(ser);
    // trunk, then share, then loop order with "all labels" last — the reading order of the paper's table
    sorted.sort(java.util.Comparator.comparingDouble(SerRow::rho).thenComparingDouble(SerRow::share)
        .thenComparingInt(SerRow::order));
    for (SerRow r : sorted) groups.computeIfAbsent(pct(r.share()) + "|" + r.rm() + "|" + r.rho(), k -> new ArrayList<>()).add(r);
    return markdown("| seed share s | RM | SFT trunk ρ | trained on (pairs) | kept status 1 / 2 | self-label precision "
        + "| held-out accuracy | reward mean | reward std | seeds |\n|---|---|---|---|---|---|---|---|---|---|\n", groups, List.of(
            col(r -> r.loop().trainPairs(), "%.0f"),
            g -> stat(g, r -> r.loop().keptStatus1(), "%.0f") + " / " + stat(g, r -> r.loop().keptStatus2(), "%.0f"),
            col(r -> r.loop().precision(), "%.3f"), col(r -> r.loop().heldOutAccuracy(), "%.3f"),
            col(r -> r.loop().rewardMean(), "%+.2f"), col(r -> r.loop().rewardStd(), "%.2f")));
  }

  /** Bootstrap draws behind each contrast's interval (fixed seed: the report is deterministic in its figures). */
  static final int BOOTSTRAP_DRAWS = 10_000;

  /** The paired contrasts with intervals, p-values and Holm's correction ({@link Contrasts}). */
  List<Contrasts.Result> contrasts() {
    return Contrasts.evaluate(Contrasts.of(this), 1, BOOTSTRAP_DRAWS);
  }

  /** The contrasts' Markdown table; "" when the report supports none. */
  String contrastsTable() {
    return Contrasts.table(contrasts());
  }

  /** A Markdown table: the group key's '|'-separated parts, then one cell per column, then the group's size. */
  private static <T> String markdown(String header, Map<String, List<T>> groups, List<java.util.function.Function<List<T>, String>> cells) {
    StringBuilder b = new StringBuilder(header);
    for (var e : groups.entrySet()) {
      b.append("| ").append(String.join(" | ", e.getKey().split("\\|")));
      for (var c : cells) b.append(" | ").append(c.apply(e.getValue()));
      b.append(" | ").append(e.getValue().size()).append(" |\n");
    }
    return b.toString();
  }

  private static <T> java.util.function.Function<List<T>, String> col(ToDoubleFunction<T> f, String fmt) {
    return g -> stat(g, f, fmt);
  }

  /** Mean ± half-range over the non-NaN values ("—" when there are none). */
  static <T> String stat(List<T> g, ToDoubleFunction<T> f, String fmt) {
    double[] v = g.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
    if (v.length == 0) return "—";
    double mean = Arrays.stream(v).average().orElseThrow();
    if (v.length == 1) return String.format(Locale.ROOT, fmt, mean);
    double half = (Arrays.stream(v).max().orElseThrow() - Arrays.stream(v).min().orElseThrow()) / 2;
    return String.format(Locale.ROOT, fmt + " ± " + fmt.replace("+", ""), mean, half);
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.0f %%", share * 100);
  }

  /**
   * Writes summary.md, results.json and the PNG plots to {@code dir}: gold reward per method and the
   * reward–KL frontier (means over seeds), the gold reward after every round (mean curve per method
   * and ρ), SER accuracy per loop (mean per trunk and share, with the all-labels RM as a flat line).
   */
  void write(Path dir, String heading) throws IOException {
    write(dir, heading, contrasts());
  }

  /** As {@link #write(Path, String)} with the contrasts already evaluated (their bootstrap is the costly part). */
  void write(Path dir, String heading, List<Contrasts.Result> contrasts) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    int n = seeds().size();
    List<Plots.Point> points = new ArrayList<>();
    Map<String, List<Row>> byModel = new LinkedHashMap<>();
    for (Row r : rows) byModel.computeIfAbsent(r.method() + (Double.isNaN(r.rho()) ? "" : " ρ=" + r.rho()), k -> new ArrayList<>()).add(r);
    byModel.forEach((label, g) -> points.add(new Plots.Point(label, mean(g, r -> r.r().kl()), mean(g, r -> r.r().goldReward()))));
    Plots.goldByMethod(dir.resolve("gold-reward.png"), points);
    Plots.rewardVsKl(dir.resolve("reward-vs-kl.png"), points);
    Plots.lines(dir.resolve("gold-per-stage.png"), "Gold reward after each round (" + (stagePrompts > 0 ? stagePrompts + " " : "") + "held-out prompts × 4"
        + (n > 1 ? ", mean of " + n + " seeds" : "") + ")", "round (0 = the SFT model)", "gold reward", meanCurves(), 0);
    if (!ser.isEmpty()) {
      Plots.lines(dir.resolve("ser-accuracy.png"), "SER: held-out RM accuracy per loop" + (n > 1 ? " (mean of " + n + " seeds)" : ""),
          "loop (0 = seed RM)", "pairwise accuracy", serCurves(), 0);
    }
    String serMd = serTable();
    StringBuilder md = new StringBuilder("# Quality benchmark\n\n");
    for (String s : sources) md.append("- ").append(s).append('\n');
    md.append('\n').append(heading).append("\n\n").append(table())
        .append("\n![gold reward](gold-reward.png)\n![reward vs KL](reward-vs-kl.png)\n![gold per stage](gold-per-stage.png)\n");
    String likMd = likelihoodTable();
    if (!likMd.isEmpty()) {
      md.append("\n## Response-only gold, length, sampling-free metrics\n\n").append(likMd).append('\n').append(LIKELIHOOD_NOTE)
          .append('\n');
    }
    if (!serMd.isEmpty()) md.append("\n## SER\n\n").append(serMd).append("\n![SER accuracy](ser-accuracy.png)\n");
    String contrastsMd = Contrasts.table(contrasts);
    if (!contrastsMd.isEmpty()) {
      md.append("\n## Paired contrasts\n\n").append(contrastsMd).append("\n").append(CONTRASTS_NOTE).append('\n');
    }
    List<Row> withExamples = rows.stream().filter(r -> !r.r().examples().isEmpty()).toList();
    if (!withExamples.isEmpty()) {
      long first = withExamples.get(0).seed();
      md.append("\n## Example generations (seed ").append(first).append(")\n\n");
      for (Row r : withExamples) {
        if (r.seed() != first) continue;
        md.append("**").append(r.method()).append(Double.isNaN(r.rho()) ? "" : " ρ=" + r.rho()).append("**\n\n");
        r.r().examples().stream().limit(3).forEach(e -> md.append("- ").append(e.replace("|", "\\|")).append('\n'));
        md.append('\n');
      }
    }
    Files.writeString(dir.resolve("summary.md"), md);
    Files.writeString(dir.resolve("results.json"), json(contrasts));
  }

  static final String LIKELIHOOD_NOTE = "Gold of the response alone leaves out the prompt's own sentiment. Held-out "
      + "positive NLL/token: the policy's mean per-token NLL of held-out positive sentences' responses given their prompts. "
      + "log π(pos) − log π(neg): mean over the held-out pairs of the sequence log-probability of the human-preferred "
      + "response minus the other's, each given the shared prompt (EOS included) — no sampling, so no sampling noise.";

  static final String CONTRASTS_NOTE = "A − B per seed on the same split, SFT model, held-out prompts and sampling seeds; "
      + "difference = mean over seeds of the per-seed mean. 95 % CI: percentile bootstrap (" + BOOTSTRAP_DRAWS
      + " draws) resampling seeds and, within each, prompts. p: two-sided one-sample t-test of the per-seed differences "
      + "(needs ≥ 2 seeds). Holm's correction over the pre-registered family (IRFT − SFT at each ρ, IRFT − SPIN, "
      + "final SER RM − seed RM, all-labels RM − final SER RM); other rows are exploratory and uncorrected. With few "
      + "seeds the bootstrap understates the spread between seeds (it can only redraw the seeds it has): the t-test "
      + "decides the verdict.";

  /** Mean gold curve per (method, ρ) over the seeds that have it, as long as the shortest of them. */
  private Map<String, double[]> meanCurves() {
    Map<String, List<double[]>> by = new LinkedHashMap<>();
    for (Curve c : curves) by.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c.gold());
    Map<String, double[]> out = new LinkedHashMap<>();
    by.forEach((label, list) -> {
      int len = list.stream().mapToInt(a -> a.length).min().orElse(0);
      double[] m = new double[len];
      for (int i = 0; i < len; i++) {
        final int at = i;
        m[i] = list.stream().mapToDouble(a -> a[at]).average().orElse(Double.NaN);
      }
      out.put(label, m);
    });
    return out;
  }

  /** Mean held-out accuracy per SER loop for each (trunk ρ, share), over the seeds that reached the loop. */
  private Map<String, double[]> serCurves() {
    boolean trunks = ser.stream().map(SerRow::rho).distinct().count() > 1;
    Map<String, List<SerRow>> by = new LinkedHashMap<>();
    Map<String, List<SerRow>> all = new LinkedHashMap<>();
    for (SerRow r : ser) {
      String trunk = trunks ? " (ρ=" + r.rho() + " trunk)" : "";
      if (r.loop().loop() >= 0) by.computeIfAbsent("s = " + pct(r.share()) + trunk, k -> new ArrayList<>()).add(r);
      else if (r.loop().loop() == -1) all.computeIfAbsent("all labels" + trunk, k -> new ArrayList<>()).add(r);
      else if (r.loop().loop() == BOW_ALL) all.computeIfAbsent("bag-of-words BT, all labels" + trunk, k -> new ArrayList<>()).add(r);
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    int maxLoop = 0;
    for (var e : by.entrySet()) {
      int loops = e.getValue().stream().mapToInt(r -> r.loop().loop()).max().orElse(0);
      maxLoop = Math.max(maxLoop, loops);
      double[] m = new double[loops + 1];
      for (int i = 0; i <= loops; i++) {
        final int at = i;
        m[i] = e.getValue().stream().filter(r -> r.loop().loop() == at).mapToDouble(r -> r.loop().heldOutAccuracy()).average().orElse(Double.NaN);
      }
      out.put(e.getKey(), m);
    }
    for (var e : all.entrySet()) {
      // the all-labels rows repeat once per share; one value per seed
      double acc = e.getValue().stream().filter(distinctBy(r -> r.seed())).mapToDouble(r -> r.loop().heldOutAccuracy()).average().orElse(Double.NaN);
      double[] flat = new double[maxLoop + 1];
      Arrays.fill(flat, acc);
      out.put(e.getKey(), flat);
    }
    return out;
  }

  private static <T> java.util.function.Predicate<T> distinctBy(java.util.function.Function<T, Object> key) {
    java.util.Set<Object> seen = new java.util.HashSet<>();
    return t -> seen.add(key.apply(t));
  }

  private static <T> double mean(List<T> g, ToDoubleFunction<T> f) {
    return g.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
  }

  /** results.json: {@code {methods: [...], ser: [...], goldPerStage: {curve: [...]}}}. */
  String json() {
    return json(contrasts());
  }

  /** As {@link #json()} with the contrasts already evaluated. */
  String json(List<Contrasts.Result> contrasts) {
    ObjectNode all = Json.mapper().createObjectNode();
    ArrayNode arr = all.putArray("methods");
    for (Row r : rows) {
      ObjectNode o = arr.addObject().put("method", r.method()).put("seed", r.seed()).put("goldReward", r.r().goldReward())
          .put("sharePositive", r.r().sharePositive()).put("kl", r.r().kl()).put("distinct2", r.r().distinct2())
          .put("realWordShare", r.r().realWordShare()).put("seconds", r.seconds());
      if (!Double.isNaN(r.rho())) o.put("rho", r.rho());
      if (!Double.isNaN(r.r().winRateVsSft())) o.put("winRateVsSft", r.r().winRateVsSft());
      putFinite(o, "goldResponse", r.r().goldResponse());
      putFinite(o, "meanTokens", r.r().meanTokens());
      putFinite(o, "eosRate", r.r().eosRate());
      putFinite(o, "positiveNll", r.r().positiveNll());
      putFinite(o, "pairGap", r.r().pairGap());
      if (r.r().perPromptGold() != null && r.r().perPromptGold().length > 0) {
        ArrayNode pp = o.putArray("perPromptGold"); // what the paired contrasts of a later merge need
        for (double x : r.r().perPromptGold()) pp.add(x);
      }
    }
    ArrayNode serArr = all.putArray("ser");
    for (SerRow r : ser) {
      SerLearner.Loop l = r.loop();
      ObjectNode o = serArr.addObject().put("rho", r.rho()).put("share", r.share()).put("seed", r.seed()).put("rm", r.rm())
          .put("loop", l.loop()).put("keptStatus1", l.keptStatus1()).put("keptStatus2", l.keptStatus2())
          .put("trainPairs", l.trainPairs()).put("heldOutAccuracy", l.heldOutAccuracy())
          .put("rewardMean", l.rewardMean()).put("rewardStd", l.rewardStd());
      if (!Double.isNaN(l.precision())) o.put("precision", l.precision());
    }
    if (stagePrompts > 0) all.put("stagePrompts", stagePrompts);
    all.put("split", split);
    ArrayNode cArr = all.putArray("contrasts");
    for (Contrasts.Result c : contrasts) {
      ObjectNode o = cArr.addObject().put("contrast", c.data().name()).put("claim", c.data().claim().name())
          .put("preRegistered", c.data().preRegistered()).put("seeds", c.seeds()).put("pairedOn", c.data().units())
          .put("difference", c.estimate()).put("ciLow", c.low()).put("ciHigh", c.high()).put("verdict", c.verdict());
      if (!Double.isNaN(c.p())) o.put("p", c.p());
      if (!Double.isNaN(c.holm())) o.put("holmP", c.holm());
    }
    ObjectNode cs = all.putObject("goldPerStage");
    boolean named = namesSeeds();
    for (Curve c : curves) {
      ArrayNode a = cs.putArray(named ? c.key() : c.label());
      for (double x : c.gold()) a.add(x);
    }
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a results.json written by {@code juice bench quality}. Files from before SER rows carried
   * their trunk take the run's first ρ (the bench trains the SER table on the first ρ's SFT model);
   * curves without a seed in their name take the file's single seed.
   */
  static QualityReport read(Path file) throws IOException {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.path("methods").isArray()) {
      throw new IllegalArgumentException(file + " is not a quality-benchmark results file (no \"methods\" array)");
    }
    QualityReport q = new QualityReport();
    q.sources.add("`" + file + "`");
    // files from before the count was written: the full benchmark's default
    q.stagePrompts = root.path("stagePrompts").asInt(128);
    q.split = root.path("split").asText("test");
    for (JsonNode m : root.get("methods")) {
      Evaluation.Result r = new Evaluation.Result(need(m, "goldReward", file), need(m, "sharePositive", file),
          m.path("winRateVsSft").asDouble(Double.NaN), need(m, "kl", file), need(m, "distinct2", file),
          need(m, "realWordShare", file), perPrompt(m.path("perPromptGold")), List.of(), m.path("goldResponse").asDouble(Double.NaN),
          m.path("meanTokens").asDouble(Double.NaN), m.path("eosRate").asDouble(Double.NaN),
          m.path("positiveNll").asDouble(Double.NaN), m.path("pairGap").asDouble(Double.NaN));
      q.rows.add(new Row(text(m, "method", file), m.path("rho").asDouble(Double.NaN), m.path("seed").asLong(1), r,
          m.path("seconds").asDouble(Double.NaN)));
    }
    double firstRho = q.rows.stream().mapToDouble(Row::rho).filter(x -> !Double.isNaN(x)).findFirst().orElse(Double.NaN);
    for (JsonNode s : root.path("ser")) {
      String rm = text(s, "rm", file);
      int loop;
      if (s.has("loop")) loop = s.get("loop").asInt();
      else if (rm.equals("seed only")) loop = 0;
      else if (rm.equals("all labels")) loop = -1;
      else if (rm.equals("bag-of-words BT, seed labels")) loop = BOW_SHARE;
      else if (rm.equals("bag-of-words BT, all labels")) loop = BOW_ALL;
      else {
        Matcher mm = SER_LOOP.matcher(rm);
        if (!mm.matches()) throw new IllegalArgumentException(file + ": unknown SER RM \"" + rm + "\"");
        loop = Integer.parseInt(mm.group(1));
      }
      SerLearner.Loop l = new SerLearner.Loop(loop, s.path("keptStatus1").asInt(), s.path("keptStatus2").asInt(),
          s.path("trainPairs").asInt(), 0, s.path("precision").asDouble(Double.NaN), need(s, "heldOutAccuracy", file),
          s.path("rewardMean").asDouble(Double.NaN), s.path("rewardStd").asDouble(Double.NaN), Double.NaN);
      q.ser.add(new SerRow(s.path("rho").asDouble(firstRho), need(s, "share", file), s.path("seed").asLong(1), l));
    }
    TreeSet<Long> seeds = new TreeSet<>(q.seeds());
    var it = root.path("goldPerStage").fields();
    while (it.hasNext()) {
      var e = it.next();
      Matcher mm = SEED_SUFFIX.matcher(e.getKey());
      String label;
      long seed;
      if (mm.matches()) {
        label = mm.group(1);
        seed = Long.parseLong(mm.group(2));
      } else if (seeds.size() == 1) {
        label = e.getKey();
        seed = seeds.first();
      } else {
        throw new IllegalArgumentException(file + ": curve \"" + e.getKey() + "\" names no seed in a file with several seeds");
      }
      double[] g = new double[e.getValue().size()];
      for (int i = 0; i < g.length; i++) g[i] = e.getValue().get(i).asDouble();
      q.curves.add(new Curve(label, seed, g));
    }
    return q;
  }

  private static void putFinite(ObjectNode o, String field, double v) {
    if (!Double.isNaN(v)) o.put(field, v);
  }

  /** A row's per-prompt gold; empty in files from before it was written. */
  private static double[] perPrompt(JsonNode a) {
    double[] out = new double[a.isArray() ? a.size() : 0];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
    return out;
  }

  private static double need(JsonNode n, String field, Path file) {
    if (!n.hasNonNull(field)) throw new IllegalArgumentException(file + ": a row without \"" + field + "\": " + n);
    return n.get(field).asDouble();
  }

  private static String text(JsonNode n, String field, Path file) {
    if (!n.hasNonNull(field)) throw new IllegalArgumentException(file + ": a row without \"" + field + "\": " + n);
    return Objects.requireNonNull(n.get(field).asText());
  }
}
