package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.juice.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `juice bench quality --quick` produces every row and plot (the outcomes are the benchmark's business). */
class BenchQualityIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES) // ≈ 1.5 min alone; generous for a loaded CI machine
  void quickBenchmarkProducesEveryRowAndPlot() throws Exception {
    Path report = tmp.resolve("report");
    String out = Cli.juice("bench", "quality", "--quick", "--report", report.toString());
    for (String row : List.of("| base | — |", "| SFT | 0.0 |", "| SPIN (T=1) | 0.0 |", "| IRFT (T=2) | 0.0 |", "| RFT | 0.0 |",
        "| SER-RFT (s=15 %) | 0.0 |", "| SFT | 0.25 |", "| SPIN (T=1) | 0.25 |", "| IRFT (T=2) | 0.25 |", "| RFT | 0.25 |",
        "| SER-RFT (s=15 %) | 0.25 |", "| SFT+ (equal steps) | 0.0 |", "| SFT+ (equal steps) | 0.25 |", "| 5 % | seed only |", "| 15 % | seed only |", "| 5 % | all labels |",
        "| 15 % | all labels |", "| 5 % | bag-of-words BT, seed labels |", "| 15 % | bag-of-words BT, seed labels |",
        "| 15 % | bag-of-words BT, all labels |")) {
      assertTrue(out.contains(row), "row " + row + " in\n" + out);
    }
    JsonNode all = Json.mapper().readTree(Files.readString(report.resolve("results.json")));
    JsonNode results = all.get("methods");
    assertEquals(13, results.size());
    assertEquals(8, all.get("goldPerStage").size(), "a gold curve per (method after SFT, ρ): " + all.get("goldPerStage"));
    for (JsonNode curve : all.get("goldPerStage")) assertTrue(curve.size() >= 2, "SFT point + one per round");
    for (JsonNode r : all.get("ser")) {
      double acc = r.get("heldOutAccuracy").asDouble();
      if (!(acc >= 0 && acc <= 1)) fail("SER accuracy outside [0, 1]: " + r);
    }
    assertTrue(all.get("ser").size() >= 4, "seed-only and all-labels rows for both shares");
    List<String> problems = new ArrayList<>();
    for (JsonNode r : results) {
      double g = r.get("goldReward").asDouble();
      if (!(g >= -1 && g <= 1)) problems.add(r + ": gold outside [-1, 1]");
      double w = r.get("realWordShare").asDouble();
      if (!(w >= 0 && w <= 1)) problems.add(r + ": real-word share outside [0, 1]");
      if (!r.get("method").asText().equals("base") && !r.has("winRateVsSft")) problems.add(r + ": no win rate");
    }
    assertEquals(List.of(), problems);
    assertTrue(Files.readString(report.resolve("summary.md")).contains("## SER"));
    // the paired contrasts: pre-registered IRFT − SFT at both ρ with a Holm p, the equal-compute comparison beside them
    for (String c : List.of("| IRFT (T=2) − SFT, ρ=0.0 | A > B | 1 | 32 prompts |", "| IRFT (T=2) − SPIN (T=1), ρ=0.25 |",
        "| IRFT (T=2) − SFT+ (equal steps), ρ=0.0 |")) {
      assertTrue(out.contains(c), c + " in\n" + out);
    }
    assertTrue(out.contains("cannot tell (needs ≥ 2 seeds)"), "one seed gives no p-value:\n" + out);
    assertTrue(out.contains("| method | ρ | gold of response only | mean tokens | EOS rate | held-out positive NLL/token "
        + "| log π(pos) − log π(neg) | seeds |"), out);
    for (JsonNode r : results) {
      for (String f : List.of("goldResponse", "meanTokens", "eosRate", "positiveNll", "pairGap")) {
        if (!r.has(f) || !Double.isFinite(r.get(f).asDouble())) problems.add(r.get("method") + ": no " + f);
      }
    }
    assertTrue(Files.readString(report.resolve("summary.md")).contains("## Paired contrasts"));
    assertTrue(all.get("contrasts").size() >= 10, all.get("contrasts").toString());
    for (String f : List.of("summary.md", "gold-reward.png", "reward-vs-kl.png", "gold-per-stage.png", "ser-accuracy.png")) {
      assertTrue(Files.size(report.resolve(f)) > 1000, f + " written");
    }
    byte[] png = Files.readAllBytes(report.resolve("gold-reward.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);

    // a run's results.json merges back into the same tables (how seeds run as separate processes combine)
    Path merged = tmp.resolve("merged");
    String again = Cli.juice("bench", "quality", "--merge", report.resolve("results.json").toString(), "--report", merged.toString());
    String table = out.substring(out.indexOf("| method |"), out.indexOf("| seed share s |"));
    assertTrue(again.contains(table), "merged table equals the run's:\n" + again);
    assertTrue(Files.size(merged.resolve("gold-per-stage.png")) > 1000);

    // the validation protocol: the same bench on the validation split carved from train, labelled as such
    Path val = tmp.resolve("validation");
    String v = Cli.juice("bench", "quality", "--quick", "--validation", "--rhos", "0", "--methods", "irft", "--report", val.toString());
    assertTrue(v.contains("VALIDATION prompts") && v.contains("on VALIDATION-split prompts"), v);
    assertEquals("validation", Json.mapper().readTree(Files.readString(val.resolve("results.json"))).get("split").asText());

    // round selection by validation NLL, on demonstrations carved out of train; scored on the test split
    String sel = Cli.juice("bench", "quality", "--quick", "--select-stage", "--rhos", "0", "--methods", "irft", "--report",
        tmp.resolve("select").toString());
    assertTrue(sel.matches("(?s).*IRFT \\(T=2\\) ρ=0\\.0: kept round [0-2] of 2 \\(validation NLL/token [0-9.]+ on \\d+ demonstrations.*"), sel);
    assertEquals(2, Juice.execute("bench", "quality", "--quick", "--select-stage", "--validation"), "the two do not combine");
  }
}
