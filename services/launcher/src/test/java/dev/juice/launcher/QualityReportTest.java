package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Combining quality-benchmark runs made as separate processes (one per seed or ρ) into one table. */
class QualityReportTest {
  @TempDir Path tmp;

  /** A results.json as `juice bench quality` wrote it before SER rows carried their trunk ρ (seed 1's files). */
  private Path oldFormat(String name, long seed, double rho, double irftGold, double base) throws Exception {
    String json = """
        {"methods": [
          {"method": "base", "seed": %d, "goldReward": %s, "sharePositive": 0.25, "kl": 0.0, "distinct2": 0.9, "realWordShare": 0.5, "seconds": 60},
          {"method": "SFT", "seed": %d, "rho": %s, "goldReward": 0.1, "sharePositive": 0.3, "kl": 10, "distinct2": 0.9, "realWordShare": 0.55, "winRateVsSft": 0.5, "seconds": 50},
          {"method": "IRFT (T=5)", "seed": %d, "rho": %s, "goldReward": %s, "sharePositive": 0.3, "kl": 9, "distinct2": 0.95, "realWordShare": 0.4, "winRateVsSft": 0.6, "seconds": 400}],
         "ser": [
          {"share": 0.15, "seed": %d, "rm": "seed only", "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 128, "heldOutAccuracy": 0.5, "rewardMean": 0, "rewardStd": 1},
          {"share": 0.15, "seed": %d, "rm": "SER loop 1", "keptStatus1": 100, "keptStatus2": 20, "trainPairs": 248, "heldOutAccuracy": 0.6, "rewardMean": 0, "rewardStd": 1, "precision": 0.7},
          {"share": 0.15, "seed": %d, "rm": "all labels", "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 856, "heldOutAccuracy": 0.64, "rewardMean": 0, "rewardStd": 1}],
         "goldPerStage": {"IRFT (T=5) ρ=%s": [0.1, 0.12, %s]}}
        """.formatted(seed, base, seed, rho, seed, rho, irftGold, seed, seed, seed, rho, irftGold);
    Path f = tmp.resolve(name);
    Files.writeString(f, json);
    return f;
  }

  @Test
  void seedsRunAsSeparateProcessesCombineIntoMeanAndHalfRange() throws Exception {
    QualityReport q = QualityReport.read(oldFormat("s1.json", 1, 0.0, 0.10, 0.07));
    q.merge(QualityReport.read(oldFormat("s2.json", 2, 0.0, 0.20, 0.05)), "s2.json");
    q.merge(QualityReport.read(oldFormat("s3.json", 3, 0.0, 0.30, 0.06)), "s3.json");
    String table = q.table();
    assertTrue(table.contains("| IRFT (T=5) | 0.0 | +0.200 ± 0.100 | 0.300 ± 0.000 | 0.60 ± 0.00 | 9.00 ± 0.00 | 0.950 ± 0.000 | 0.400 ± 0.000 | 3 |"), table);
    assertTrue(table.contains("| base | — | +0.060 ± 0.010 |"), table);
    String ser = q.serTable();
    assertTrue(ser.contains("| 15 % | seed only | 0.0 | 128 ± 0 | 0 ± 0 / 0 ± 0 | — | 0.500 ± 0.000 | +0.00 ± 0.00 | 1.00 ± 0.00 | 3 |"), ser);
    assertTrue(ser.indexOf("SER loop 1") < ser.indexOf("all labels"), "loops before the all-labels row:\n" + ser);
    assertEquals(3, q.curves.size(), "a gold curve per seed");
  }

  @Test
  void theBaseModelSharedByTwoRhoRunsOfASeedCountsOnce() throws Exception {
    QualityReport q = QualityReport.read(oldFormat("rho0.json", 1, 0.0, 0.10, 0.07));
    q.merge(QualityReport.read(oldFormat("rho025.json", 1, 0.25, 0.14, 0.07)), "rho025.json");
    String table = q.table();
    assertTrue(table.contains("| base | — | +0.070 | 0.250 | — | 0.00 | 0.900 | 0.500 | 1 |"), table);
    assertTrue(table.contains("| IRFT (T=5) | 0.25 | +0.140 |"), table);
    // each run's SER table belongs to the SFT trunk of its first ρ
    assertTrue(q.serTable().contains("| 15 % | seed only | 0.25 |"), q.serTable());
    assertTrue(q.serTable().contains("| 15 % | seed only | 0.0 |"), q.serTable());
  }

  @Test
  void theBagOfWordsBaselineSitsBesideTheRewardModelsAndReadsBack() throws Exception {
    String json = """
        {"methods": [{"method": "SFT", "seed": 1, "rho": 0.0, "goldReward": 0.1, "sharePositive": 0.3, "kl": 10, "distinct2": 0.9, "realWordShare": 0.9, "winRateVsSft": 0.5, "seconds": 50}],
         "ser": [
          {"rho": 0.0, "share": 0.15, "seed": 1, "rm": "all labels", "loop": -1, "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 856, "heldOutAccuracy": 0.80, "rewardMean": 0, "rewardStd": 1},
          {"rho": 0.0, "share": 0.15, "seed": 1, "rm": "bag-of-words BT, all labels", "loop": -3, "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 856, "heldOutAccuracy": 0.85},
          {"rho": 0.0, "share": 0.15, "seed": 1, "rm": "bag-of-words BT, seed labels", "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 128, "heldOutAccuracy": 0.74},
          {"rho": 0.0, "share": 0.15, "seed": 1, "rm": "SER loop 1", "loop": 1, "keptStatus1": 100, "keptStatus2": 20, "trainPairs": 248, "heldOutAccuracy": 0.7, "rewardMean": 0, "rewardStd": 1, "precision": 0.7},
          {"rho": 0.0, "share": 0.15, "seed": 1, "rm": "seed only", "loop": 0, "keptStatus1": 0, "keptStatus2": 0, "trainPairs": 128, "heldOutAccuracy": 0.6, "rewardMean": 0, "rewardStd": 1}]}
        """;
    Path f = tmp.resolve("bow.json");
    Files.writeString(f, json);
    QualityReport q = QualityReport.read(f);
    String ser = q.serTable();
    assertTrue(ser.contains("| 15 % | bag-of-words BT, seed labels | 0.0 | 128 | 0 / 0 | — | 0.740 | — | — | 1 |"), ser);
    assertTrue(ser.contains("| 15 % | bag-of-words BT, all labels | 0.0 | 856 | 0 / 0 | — | 0.850 |"), ser);
    int seedOnly = ser.indexOf("seed only");
    int loop = ser.indexOf("SER loop 1");
    int bowSeed = ser.indexOf("bag-of-words BT, seed labels");
    int allRm = ser.indexOf("| all labels");
    int bowAll = ser.indexOf("bag-of-words BT, all labels");
    assertTrue(seedOnly < loop && loop < bowSeed && bowSeed < allRm && allRm < bowAll, "reading order:\n" + ser);
    Path dir = tmp.resolve("bow-report");
    q.write(dir, "1 seed");
    assertEquals(ser, QualityReport.read(dir.resolve("results.json")).serTable());
  }

  @Test
  void twoDifferentRunsOfTheSameSeedAreRefusedNotAveraged() throws Exception {
    QualityReport q = QualityReport.read(oldFormat("a.json", 1, 0.0, 0.10, 0.07));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> q.merge(QualityReport.read(oldFormat("b.json", 1, 0.0, 0.11, 0.07)), "b.json"));
    assertTrue(e.getMessage().contains("IRFT (T=5) ρ=0.0 seed 1 appears twice") && e.getMessage().contains("b.json"), e.getMessage());
  }

  @Test
  void whatItWritesReadsBackToTheSameTables() throws Exception {
    QualityReport q = new QualityReport().merge(QualityReport.read(oldFormat("s1.json", 1, 0.0, 0.10, 0.07)), "s1.json");
    q.merge(QualityReport.read(oldFormat("s2.json", 2, 0.0, 0.20, 0.05)), "s2.json");
    assertEquals(128, q.stagePrompts, "files without the count are the full benchmark's 128 prompts");
    Path dir = tmp.resolve("report");
    q.write(dir, "2 seeds");
    QualityReport back = QualityReport.read(dir.resolve("results.json"));
    assertEquals(q.table(), back.table());
    assertEquals(q.serTable(), back.serTable());
    assertEquals(2, back.curves.size());
    assertEquals(128, back.stagePrompts);
    for (String f : new String[] {"summary.md", "gold-reward.png", "reward-vs-kl.png", "gold-per-stage.png", "ser-accuracy.png"}) {
      assertTrue(Files.size(dir.resolve(f)) > 500, f);
    }
    assertTrue(Files.readString(dir.resolve("summary.md")).contains("`" + tmp.resolve("s2.json") + "`"), "sources listed");
  }

  @Test
  void aFileThatIsNotBenchmarkResultsGetsAClearError() throws Exception {
    Path notJson = tmp.resolve("x.json");
    Files.writeString(notJson, "{nope");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityReport.read(notJson)).getMessage().contains("is not JSON"));
    Path other = tmp.resolve("y.json");
    Files.writeString(other, "{\"runs\": []}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityReport.read(other)).getMessage().contains("no \"methods\" array"));
    Path noGold = tmp.resolve("z.json");
    Files.writeString(noGold, "{\"methods\": [{\"method\": \"SFT\", \"seed\": 1}]}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityReport.read(noGold)).getMessage().contains("goldReward"));
  }

  @Test
  void validationAndTestFiguresAreNeverMerged() throws Exception {
    Path test = oldFormat("test.json", 1, 0.0, 0.10, 0.07);
    QualityReport v = QualityReport.read(oldFormat("v.json", 2, 0.0, 0.20, 0.05));
    v.split = "validation";
    Path vf = tmp.resolve("validation.json");
    Files.writeString(vf, v.json());
    assertEquals("validation", QualityReport.read(vf).split, "the split survives the file");
    assertEquals("test", QualityReport.read(test).split, "files from before it are test figures");
    QualityReport q = QualityReport.read(test);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.merge(QualityReport.read(vf), vf.toString()));
    assertTrue(e.getMessage().contains("never merged"), e.getMessage());
    QualityReport both = QualityReport.read(vf).merge(QualityReport.read(vf), "again");
    assertEquals("validation", both.split);
  }
}
