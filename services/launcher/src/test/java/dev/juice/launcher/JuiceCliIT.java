package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: ingest twice into a kept local stack, a small benchmark, errors. */
class JuiceCliIT {
  @TempDir Path tmp;

  private static String run(String... args) {
    return Cli.juice(args);
  }

  @Test
  void ingestCountsDuplicatesOnceAlsoAcrossInvocations() throws Exception {
    Path file = tmp.resolve("demos.jsonl");
    Files.write(file, List.of(
        "{\"prompt\":\"The soup\",\"response\":\"was hot and tasty.\"}",
        "{\"prompt\":\"The soup\",\"response\":\"was hot and tasty.\"}",
        "{\"prompt\":\"Our waiter\",\"response\":\"was very attentive.\"}",
        "{\"prompt\":\"broken\""));
    String dataDir = tmp.resolve("stack").toString();
    String first = run("ingest", file.toString(), "--data-dir", dataDir, "--run", "cli", "--partitions", "2");
    assertTrue(first.contains("sent 4, accepted 2, duplicates 1, rejected 1"), first);
    assertTrue(first.contains("malformed-json"), first);
    String second = run("ingest", file.toString(), "--data-dir", dataDir, "--run", "cli", "--partitions", "2");
    assertTrue(second.contains("sent 4, accepted 0, duplicates 3, rejected 1"), second);
  }

  @Test
  void bundledUciSentencesBecomeDemonstrations() {
    String out = run("ingest", "--bundled", "--data-dir", tmp.resolve("stack").toString(), "--run", "uci");
    // 1,500 positive sentences; those with fewer than 3 words cannot be split and are not sent
    assertTrue(out.matches("(?s).*sent 14\\d\\d, accepted 14\\d\\d, duplicates [0-9], rejected 0.*"), out);
  }

  @Test
  void benchIngestPrintsItsRatio() {
    String out = run("bench", "ingest", "--records", "400", "--warmup", "100", "--rounds", "1", "--partitions", "1",
        "--json", tmp.resolve("b.json").toString());
    assertTrue(out.contains("ratio ingest/raw (means):"), out);
    assertTrue(out.contains("backfill:"), out);
    assertTrue(Files.exists(tmp.resolve("b.json")));
  }

  @Test
  void quickRunTrainsBaseSftAndIrftThroughTheServicesAndStatusReadsItBack() throws Exception {
    String data = tmp.resolve("data").toString();
    String out = run("run", "--quick", "--evaluate", "--run", "q", "--out", tmp.toString(), "--data-dir", data);
    for (String row : List.of("| base (tiny, pre-trained here) |", "| sft | v1 |", "| irft stage 1/2 | v2 |", "| irft stage 2/2 | v3 |")) {
      assertTrue(out.contains(row), row + " in\n" + out);
    }
    var metrics = dev.juice.common.Json.mapper().readTree(tmp.resolve("q/metrics.json").toFile());
    assertEquals(7, metrics.get("phases").size(), "base, sft, 2 stages, 3 evaluations");
    assertEquals(3, metrics.get("finalPolicyVersion").asInt());
    assertEquals("irft", metrics.get("config").get("JUICE_ALGORITHM").asText());
    for (String m : List.of("base", "sft", "irft")) assertTrue(Double.isFinite(metrics.get("heldOutNllPerToken").get(m).asDouble()), m);
    for (String f : List.of("base.weights", "policy-sft.weights", "policy-final.weights")) {
      assertTrue(Files.size(tmp.resolve("q").resolve(f)) > 100_000, f);
    }
    assertTrue(metrics.get("phases").get(3).get("loss").asDouble() < Math.log(2), "IRFT learned from ln 2");
    // the evaluator scored every policy version (v1 = SFT, v2, v3) against the gold reward
    assertTrue(out.matches("(?s).*Evaluation \\(gold: VADER\\).*v1 sft .*v2 irft .*v3 irft .*"), out);
    assertTrue(Files.size(tmp.resolve("q/eval/gold-per-version.png")) > 1000);
    assertTrue(Files.readString(tmp.resolve("q/eval/summary.md")).contains("| v3 | irft |"));
    // the run's topics were kept: status reads phase, lag, versions and metrics back from them
    String status = run("status", "--data-dir", data, "--run", "q");
    assertTrue(status.contains("policy     v3"), status);
    assertTrue(status.contains("phase: irft round 2, policy v3 (finished)"), status);
    assertTrue(status.matches("(?s).*sampler\\s+juice\\.q\\.sampler\\s+[0-4]\\n.*"), "sampler caught up (markers only)\n" + status);
    assertTrue(status.matches("(?s).*scorer\\s+juice\\.q\\.scorer\\s+— \\(no committed offsets.*"), "IRFT runs no scorer\n" + status);
    assertTrue(status.contains("policy-trainer loss.irft"), status);
    assertTrue(status.contains("launcher heldout.response_nll_per_token"), status);
    assertTrue(status.contains("evaluator eval.gold_reward"), status);
    // and its final policy exports generations for outside scoring
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"prompt\": \"The food\"}", "", "{\"prompt\": \"Our waiter\"}"));
    Path gen = tmp.resolve("gen.jsonl");
    String g = run("generate", "--data-dir", data, "--run", "q", "--prompts", prompts.toString(), "--samples", "2",
        "--out", gen.toString());
    assertTrue(g.contains("wrote 4 generations of policy of run 'q' v3"), g);
    List<String> lines = Files.readAllLines(gen);
    assertEquals(4, lines.size());
    var first = dev.juice.common.Json.mapper().readTree(lines.get(0));
    assertEquals("The food", first.get("prompt").asText());
    assertEquals(3, first.get("version").asInt());
    assertTrue(first.has("response") && first.has("seed"));
    // an older version and the SFT model by name; a version the run never had is refused with a message
    String v2 = run("generate", "--data-dir", data, "--run", "q", "--model", "policy", "--version", "2", "--prompts", prompts.toString(),
        "--out", tmp.resolve("gen-v2.jsonl").toString());
    assertTrue(v2.contains("wrote 2 generations of policy of run 'q' v2"), v2);
    String sft = run("generate", "--data-dir", data, "--run", "q", "--model", "sft", "--prompts", prompts.toString(),
        "--out", tmp.resolve("gen-sft.jsonl").toString());
    assertTrue(sft.contains("wrote 2 generations of sft of run 'q' v1"), sft);
    assertEquals(1, Juice.execute("generate", "--data-dir", data, "--run", "q", "--version", "99", "--prompts", prompts.toString(),
        "--out", tmp.resolve("none.jsonl").toString()));
    // export as a Hugging Face checkpoint, then sample it with no broker: the same generations as from the topic
    Path hf = tmp.resolve("hf-v3");
    String ex = run("export", "--data-dir", data, "--run", "q", "--model", "policy", "--out", hf.toString());
    assertTrue(ex.contains("exported policy of run 'q' v3"), ex);
    for (String f : List.of("config.json", "tokenizer.json", "model.safetensors")) assertTrue(Files.exists(hf.resolve(f)), f);
    Path genHf = tmp.resolve("gen-hf.jsonl");
    run("generate", "--model", hf.toString(), "--prompts", prompts.toString(), "--samples", "2", "--out", genHf.toString());
    List<String> hfLines = Files.readAllLines(genHf);
    for (int i = 0; i < 4; i++) {
      assertEquals(dev.juice.common.Json.mapper().readTree(lines.get(i)).get("response").asText(),
          dev.juice.common.Json.mapper().readTree(hfLines.get(i)).get("response").asText(), "same weights, same seed, same text");
    }
    assertTrue(status.matches("(?s).*juice\\.q\\.demonstrations\\s+[1-9].*"), status);
  }

  /**
   * A user's own task end to end: their demonstrations (one line bad), preference pairs in both
   * forms, their evaluation prompts, no gold reward; SER-RFT learns its reward model from the pairs
   * over the preferences topic.
   */
  @Test
  void userDataRunsSerRftWithoutAGoldReward() throws Exception {
    String[] items = {"order", "parcel", "refund", "invoice", "ticket", "account"};
    String[] good = {"is on its way and arrives tomorrow, thank you for waiting", "was sent today and you will get a mail",
        "is done and we are glad to help", "is ready, have a nice day"};
    String[] bad = {"is not our problem", "whatever, ask someone else", "is lost and we do not care", "no"};
    List<String> demos = new java.util.ArrayList<>();
    List<String> prefs = new java.util.ArrayList<>();
    List<String> prompts = new java.util.ArrayList<>();
    var json = dev.juice.common.Json.mapper();
    int n = 0;
    for (String it : items) {
      for (int k = 1; k <= 16; k++) {
        String prompt = "Where is my " + it + " " + k + "?";
        demos.add(json.createObjectNode().put("prompt", prompt).put("response", "Your " + it + " " + good[k % good.length]).toString());
        var pair = json.createObjectNode().put("prompt", prompt);
        String g = "Your " + it + " " + good[(k + 1) % good.length];
        String b = "Your " + it + " " + bad[k % bad.length];
        if (n % 5 == 0) pair.put("chosen", g).put("rejected", b);
        else if (n % 2 == 0) pair.put("response_a", g).put("response_b", b).put("hidden_label", "a");
        else pair.put("response_a", b).put("response_b", g).put("hidden_label", "b");
        prefs.add(pair.toString());
        n++;
      }
      prompts.add(json.createObjectNode().put("prompt", "Where is my " + it + "?").toString());
    }
    demos.add("{\"prompt\": \"no response here\"}");
    Path d = Files.write(tmp.resolve("demos.jsonl"), demos);
    Path p = Files.write(tmp.resolve("prefs.jsonl"), prefs);
    Path e = Files.write(tmp.resolve("prompts.jsonl"), prompts);
    String out = run("run", "--quick", "--algorithm", "ser-rft", "--run", "u", "--out", tmp.toString(), "--demonstrations", d.toString(),
        "--preferences", p.toString(), "--eval-prompts", e.toString(), "--gold", "none");
    assertTrue(out.contains("ingest: sent 97, accepted 96, duplicates 0, rejected 1"), out);
    assertTrue(out.contains("missing-field"), "the bad line's reason is shown\n" + out);
    assertTrue(out.contains("ingest preferences: sent 96, accepted 96"), out);
    for (String row : List.of("| sft | v1 |", "| ser-rft round 1/2 | v2 |", "| ser-rft round 2/2 | v3 |")) {
      assertTrue(out.contains(row), row + " in\n" + out);
    }
    assertTrue(out.contains("SER reward model v1: 96 pairs (20 labelled)"), out);
    assertTrue(out.contains("Evaluation (gold: none)"), out);
    assertTrue(out.matches("(?s).*v3 ser-rft gold —  share positive —  win vs SFT —  KL .*"), out);
    var metrics = json.readTree(tmp.resolve("u/metrics.json").toFile());
    assertEquals("ser-rft", metrics.get("config").get("JUICE_ALGORITHM").asText());
    // 20 labelled pairs, JUICE_SER_HOLDOUT's default 0.2: 4 are never trained on and measure the RM
    assertEquals(4, metrics.get("ser").get("heldOutPairs").asInt(), metrics.toString());
    double acc = metrics.get("ser").get("accuracy").asDouble(Double.NaN);
    assertTrue(acc >= 0 && acc <= 1, "measured on the held-out labelled pairs: " + acc);
    double pool = metrics.get("ser").get("poolAccuracy").asDouble(Double.NaN);
    assertTrue(pool >= 0 && pool <= 1, "and on the unlabelled pool's hidden labels: " + pool);
    assertTrue(out.contains(String.format(java.util.Locale.ROOT, "accuracy on 4 held-out labelled pairs %.3f (on the unlabelled "
        + "pool's hidden labels %.3f)", acc, pool)), "the summary shows the figures metrics.json holds\n" + out);
    assertTrue(Files.readString(tmp.resolve("u/eval/summary.md")).contains("| v3 | ser-rft | — | — | — |"));
    assertTrue(!Files.exists(tmp.resolve("u/eval/gold-per-version.png")), "no gold plot without a gold reward");
    assertTrue(!out.contains("arrives tomorrow"), "no response text in the output");
  }

  @Test
  void badArgumentsFailWithAMessage() {
    assertEquals(1, Juice.execute("ingest", "--kind", "nonsense", "--bundled"));
    assertEquals(2, Juice.execute("ingest", "--no-such-option"));
  }
}
