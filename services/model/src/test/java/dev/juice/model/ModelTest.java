package dev.juice.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.juice.model.text.BpeTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.juice.model.math.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTest {
  static final List<String> PROMPTS = List.of("The food", "Great service", "I loved", "The staff were", "Not bad", "Best pizza");
  static final List<String> RESPONSES = List.of("was great.", "and friendly.", "the pasta!", "kind and fast.", "at all.", "in town.");
  static TinyModels models;
  static NDManager root;
  static BpeTokenizer tok;

  @BeforeAll
  static void engine() {
    List<String> all = new ArrayList<>(PROMPTS);
    all.addAll(RESPONSES);
    models = new TinyModels(all);
    root = models.root;
    tok = models.tok;
  }

  @AfterAll
  static void close() {
    models.close();
  }

  static PolicyModel tiny(long seed) {
    return models.policy(seed);
  }

  static SequenceBatch batch() {
    return SequenceBatch.ofText(tok, PROMPTS, RESPONSES, ModelConfig.tiny(tok.vocabSize()).contextLength());
  }

  static double[] seqLogProbs(PolicyModel m, SequenceBatch b) {
    try (NDManager s = m.manager().newSubManager()) {
      NDArray lp = m.sequenceLogProbs(b, s);
      float[] f = lp.toFloatArray();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) d[i] = f[i];
      return d;
    }
  }

  @Test
  void presetSizes() {
    try (PolicyModel small = new PolicyModel(ModelConfig.small(tok.vocabSize()), tok, root, 1);
         PolicyModel large = new PolicyModel(ModelConfig.large(tok.vocabSize()), tok, root, 1)) {
      // the tiny vocabulary of this fixture: the blocks dominate (≈ 3.2 M small, ≈ 10.6 M large)
      assertTrue(small.parameterCount() > 3_000_000 && small.parameterCount() < 3_500_000, "small: " + small.parameterCount());
      assertTrue(large.parameterCount() > 10_000_000 && large.parameterCount() < 11_000_000, "large: " + large.parameterCount());
      assertEquals(small.config().trunkParameters(), small.parameterCount(), "tied LM head: no parameters beyond the trunk");
    }
  }

  @Test
  void tokenizerRoundTrips() {
    int[] ids = tok.encode("The food");
    assertEquals("The food", tok.decode(ids));
    assertEquals("Zürich ☃", tok.decode(tok.encode("Zürich ☃")), "byte-level: no unknown tokens");
    int[] ab = tok.encode("ab");
    int[] framed = new int[ab.length + 3];
    framed[0] = tok.bos();
    System.arraycopy(ab, 0, framed, 1, ab.length);
    framed[ab.length + 1] = tok.eos();
    framed[ab.length + 2] = ab[0];
    assertEquals("ab", tok.decode(framed), "BOS skipped, stops at EOS");
  }

  /** Check 5: the masked sequence log-prob equals the sum of per-token log-probs computed one by one. */
  @Test
  void check5MaskedSequenceLogProbIsTheSumOfTokenLogProbs() {
    try (PolicyModel m = tiny(3)) {
      double[] batched = seqLogProbs(m, batch());
      for (int i = 0; i < PROMPTS.size(); i++) {
        int[] p = tok.encode(PROMPTS.get(i));
        int[] r = tok.encodeResponse(RESPONSES.get(i));
        int[] full = new int[1 + p.length + r.length + 1];
        full[0] = tok.bos();
        System.arraycopy(p, 0, full, 1, p.length);
        System.arraycopy(r, 0, full, 1 + p.length, r.length);
        full[full.length - 1] = tok.eos();
        double sum = 0;
        for (int t = 1 + p.length; t < full.length; t++) { // every response token and EOS, one forward each
          try (NDManager s = m.manager().newSubManager()) {
            int[] prefix = java.util.Arrays.copyOf(full, t);
            float[] logits = m.logits(s.create(prefix, new Shape(1, t)), null).get(":, -1, :").toFloatArray();
            double[] d = new double[logits.length];
            for (int j = 0; j < d.length; j++) d[j] = logits[j];
            sum += Losses.logSoftmax(d)[full[t]];
          }
        }
        assertEquals(sum, batched[i], 2e-4, "row " + i);
      }
    }
  }

  @Test
  void cachedAndUncachedGreedyGenerationAreIdentical() {
    try (PolicyModel m = tiny(5)) {
      int[][] prompts = PROMPTS.stream().map(tok::encode).toArray(int[][]::new);
      long[] seeds = new long[prompts.length];
      Sampler.Generation a = Sampler.generate(m, prompts, seeds, new Sampler.Options(20, 0f, 0, true));
      Sampler.Generation b = Sampler.generate(m, prompts, seeds, new Sampler.Options(20, 0f, 0, false));
      for (int i = 0; i < prompts.length; i++) {
        assertArrayEquals(b.responses()[i], a.responses()[i], "row " + i);
        assertEquals(b.logProbs()[i], a.logProbs()[i], 1e-3);
      }
      assertTrue(a.tokens() > 0);
    }
  }

  /**
   * Rows of different prompt lengths reach their last token at different steps, so finished rows
   * leave the batch (and the cache) mid-generation: every row must still continue exactly as it does
   * alone, cached or not, and the work done must be less than every row stepping to the end.
   */
  @Test
  void finishedRowsLeaveTheBatchWithoutChangingAnyRow() {
    try (PolicyModel m = tiny(8)) {
      int[][] prompts = PROMPTS.stream().map(tok::encode).toArray(int[][]::new);
      int shortest = java.util.Arrays.stream(prompts).mapToInt(p -> p.length).min().orElseThrow();
      int longest = java.util.Arrays.stream(prompts).mapToInt(p -> p.length).max().orElseThrow();
      assertTrue(longest - shortest >= 2, "the fixture needs prompts of different lengths");
      long[] seeds = {21, 22, 23, 24, 25, 26};
      for (boolean cache : new boolean[] {true, false}) {
        Sampler.Options o = new Sampler.Options(6, 1f, 0, cache);
        Sampler.Generation all = Sampler.generate(m, prompts, seeds, o);
        for (int i = 0; i < prompts.length; i++) {
          Sampler.Generation alone = Sampler.generate(m, new int[][] {prompts[i]}, new long[] {seeds[i]}, o);
          assertArrayEquals(alone.responses()[0], all.responses()[i], "row " + i + ", cache " + cache);
          assertEquals(alone.logProbs()[0], all.logProbs()[i], 1e-3, "row " + i + ", cache " + cache);
        }
        int steps = longest - shortest + 6; // decode steps of the longest row, after the prefill
        assertTrue(all.rowSteps() < (long) prompts.length * (1 + steps - 1),
            "finished rows were dropped: " + all.rowSteps() + " row-steps, cache " + cache);
      }
      Sampler.Options greedy = new Sampler.Options(6, 0f, 0, true);
      Sampler.Generation a = Sampler.generate(m, prompts, new long[6], greedy);
      Sampler.Generation b = Sampler.generate(m, prompts, new long[6], new Sampler.Options(6, 0f, 0, false));
      assertArrayEquals(b.responses(), a.responses(), "cached = uncached with rows leaving at different steps");
    }
  }

  @Test
  void keepRowsSelectsTheCachedRowsInOrder() {
    try (PolicyModel m = tiny(5); NDManager gen = m.manager().newSubManager()) {
      Transformer.KvCache cache = new Transformer.KvCache(gen, 6);
      m.logits(gen.create(new int[] {1, 5, 1, 6, 1, 7}, new Shape(3, 2)), cache);
      assertEquals(3, cache.rows());
      float[] row2 = cache.keys.get(0).get("2").toFloatArray();
      float[] row0 = cache.keys.get(0).get("0").toFloatArray();
      cache.keepRows(new int[] {2, 0});
      assertEquals(2, cache.rows());
      assertArrayEquals(row2, cache.keys.get(0).get("0").toFloatArray());
      assertArrayEquals(row0, cache.keys.get(0).get("1").toFloatArray());
      assertEquals(2, cache.length(), "positions are kept");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.keepRows(new int[] {2}));
      assertTrue(e.getMessage().contains("row 2 is not in a cache of 2 rows"), e.getMessage());
    }
  }

  /** The IRFT/SPIN schedule: linear warm-up, then linear decay, never 0. */
  @Test
  void warmupLinearRisesThenDecays() {
    var t = Optimizer.warmupLinear(1f, 4, 20);
    assertEquals(0.25f, t.getNewValue(1), 1e-6);
    assertEquals(1f, t.getNewValue(4), 1e-6);
    assertEquals(16f / 17f, t.getNewValue(5), 1e-6);
    assertEquals(1f / 17f, t.getNewValue(20), 1e-6);
    assertEquals(1f / 17f, t.getNewValue(25), 1e-6, "past the end it stays at the last rate");
    for (int i = 5; i < 20; i++) assertTrue(t.getNewValue(i + 1) < t.getNewValue(i), "decays");
  }

  /** The schedule reaches the update: AdamW's first step moves each weight by ≈ its rate, so 1/10 of the rate moves it ≈ 1/10 as far. */
  @Test
  void theOptimizerAppliesItsSchedule() {
    double[] moved = new double[2];
    for (int k = 0; k < 2; k++) {
      try (PolicyModel m = tiny(9)) {
        float[] before = m.parameters().get("h.0.mlp.c_fc.weight").toFloatArray();
        Optimizer opt = k == 0 ? new Optimizer(m, 1e-3f, 0f, 0f) : new Optimizer(m, Optimizer.warmupLinear(1e-3f, 10, 100), 0f, 0f);
        opt.step(sftLoss(m, batch()));
        float[] after = m.parameters().get("h.0.mlp.c_fc.weight").toFloatArray();
        for (int i = 0; i < before.length; i++) moved[k] += Math.abs(after[i] - before[i]);
      }
    }
    assertEquals(0.1, moved[1] / moved[0], 0.02, "first step at lr/10: " + moved[1] + " vs " + moved[0]);
  }

  @Test
  void theKvCacheWritesInPlaceAndRefusesTokensPastItsCapacity() {
    try (PolicyModel m = tiny(5); NDManager gen = m.manager().newSubManager()) {
      Transformer.KvCache cache = new Transformer.KvCache(gen, 6);
      try (NDManager s = gen.newSubManager()) {
        m.logits(s.create(new int[] {1, 2, 3, 4}, new Shape(1, 4)), cache);
      }
      NDArray keys = cache.keys.get(0);
      try (NDManager s = gen.newSubManager()) {
        m.logits(s.create(new int[] {5, 6}, new Shape(1, 2)), cache);
      }
      assertEquals(6, cache.length());
      assertTrue(keys == cache.keys.get(0), "the same buffer, written in place");
      try (NDManager s = gen.newSubManager()) {
        NDArray one = s.create(new int[] {7}, new Shape(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.logits(one, cache));
        assertTrue(e.getMessage().contains("capacity of 6"), e.getMessage());
      }
    }
  }

  @Test
  void samplingIsSeededPerRowAndItsLogProbsAreThePolicys() {
    try (PolicyModel m = tiny(6)) {
      int[][] prompts = PROMPTS.stream().map(tok::encode).toArray(int[][]::new);
      long[] seeds = {11, 12, 13, 14, 15, 16};
      Sampler.Options o = new Sampler.Options(25, 1f, 0, true);
      Sampler.Generation a = Sampler.generate(m, prompts, seeds, o);
      Sampler.Generation b = Sampler.generate(m, prompts, seeds, o);
      assertArrayEquals(a.responses(), b.responses());
      // row 2 alone, same seed: same continuation as inside the batch
      Sampler.Generation alone = Sampler.generate(m, new int[][] {prompts[2]}, new long[] {13}, o);
      assertArrayEquals(a.responses()[2], alone.responses()[0]);
      Sampler.Generation other = Sampler.generate(m, prompts, new long[] {1, 2, 3, 4, 5, 6}, o);
      assertFalse(java.util.Arrays.deepEquals(a.responses(), other.responses()));
      // the reported log-prob equals a teacher-forced scoring of the same tokens (finished rows)
      SequenceBatch scored = SequenceBatch.of(tok.bos(), prompts, a.responses(), m.config().contextLength());
      double[] lp = seqLogProbs(m, scored);
      for (int i = 0; i < prompts.length; i++) assertEquals(lp[i], a.logProbs()[i], 2e-3, "row " + i);
      // with a reference, the same tokens also come scored under it
      try (PolicyModel ref = tiny(60)) {
        Sampler.Generation withRef = Sampler.generate(m, ref, prompts, seeds, o);
        assertArrayEquals(a.responses(), withRef.responses(), "the reference does not change what is generated");
        double[] refLp = seqLogProbs(ref, scored);
        for (int i = 0; i < prompts.length; i++) assertEquals(refLp[i], withRef.referenceLogProbs()[i], 1e-3, "row " + i);
        assertTrue(java.util.Arrays.stream(withRef.referenceLogProbs()).allMatch(v -> v < 0));
      }
      assertEquals(null, a.referenceLogProbs());
    }
  }

  @Test
  void topKOneIsGreedy() {
    try (PolicyModel m = tiny(7)) {
      int[][] prompts = PROMPTS.stream().map(tok::encode).toArray(int[][]::new);
      long[] seeds = {1, 2, 3, 4, 5, 6};
      assertArrayEquals(Sampler.generate(m, prompts, seeds, new Sampler.Options(15, 0f, 0, true)).responses(),
          Sampler.generate(m, prompts, seeds, new Sampler.Options(15, 1f, 1, true)).responses());
    }
  }

  @Test
  void weightsRoundTripBitIdenticallyAndInChunks() {
    try (PolicyModel m = tiny(8)) {
      byte[] blob = WeightsCodec.encode(m);
      try (PolicyModel back = WeightsCodec.decodePolicy(blob, root)) {
        assertArrayEquals(blob, WeightsCodec.encode(back));
        assertArrayEquals(seqLogProbs(m, batch()), seqLogProbs(back, batch()), 0.0, "reloaded outputs are identical");
        assertEquals(tok, back.tokenizer());
      }
      List<byte[]> chunks = WeightsCodec.split(blob, 10_000);
      assertTrue(chunks.size() > 1 && chunks.stream().allMatch(c -> c.length <= 10_000));
      assertArrayEquals(blob, WeightsCodec.join(chunks));
      assertEquals(1, WeightsCodec.split(blob, WeightsCodec.MAX_CHUNK).size());
      assertThrows(IllegalArgumentException.class, () -> WeightsCodec.split(blob, 1_000_001));
      byte[] corrupt = blob.clone();
      corrupt[corrupt.length / 2] ^= 1;
      assertThrows(IllegalArgumentException.class, () -> WeightsCodec.decode(corrupt, root));
      assertThrows(IllegalArgumentException.class, () -> WeightsCodec.decode(java.util.Arrays.copyOf(blob, 100), root));
      assertEquals(64, WeightsCodec.sha256Hex(blob).length());
    }
  }

  static Function<NDManager, NDArray> sftLoss(PolicyModel m, SequenceBatch b) {
    return s -> DjlLosses.sft(m.sequenceLogProbs(b, s));
  }

  @Test
  void sftTrainingLearnsAndIsBitIdenticalForTheSameSeed() {
    String h1;
    String h2;
    double first;
    double last = 0;
    try (PolicyModel m = tiny(9)) {
      Optimizer opt = new Optimizer(m, 3e-3f, 0f, 1f);
      first = opt.step(sftLoss(m, batch())).loss();
      for (int i = 0; i < 80; i++) last = opt.step(sftLoss(m, batch())).loss();
      h1 = WeightsCodec.sha256Hex(WeightsCodec.encode(m));
    }
    try (PolicyModel m = tiny(9)) {
      Optimizer opt = new Optimizer(m, 3e-3f, 0f, 1f);
      for (int i = 0; i < 81; i++) opt.step(sftLoss(m, batch()));
      h2 = WeightsCodec.sha256Hex(WeightsCodec.encode(m));
    }
    assertTrue(last < first * 0.5, "SFT loss fell from " + first + " to " + last);
    assertEquals(h1, h2, "same seed, data and threads: bit-identical weights");
    try (PolicyModel m = tiny(10)) {
      assertNotEquals(h1, WeightsCodec.sha256Hex(WeightsCodec.encode(m)));
    }
  }

  @Test
  void frozenLowerLayersDoNotMoveAndTheRestTrains() {
    try (PolicyModel m = tiny(11)) {
      m.freezeLowerLayers(1);
      assertEquals(1, m.frozenLayers());
      assertTrue(m.trainableParameters().keySet().stream().noneMatch(n -> n.startsWith("h.0.") || n.startsWith("wte") || n.startsWith("wpe")));
      Map<String, float[]> before = new java.util.TreeMap<>();
      m.parameters().forEach((n, p) -> before.put(n, p.toFloatArray()));
      Optimizer opt = new Optimizer(m, 3e-3f, 0.1f, 1f);
      for (int i = 0; i < 3; i++) opt.step(sftLoss(m, batch()));
      m.parameters().forEach((n, p) -> {
        boolean same = java.util.Arrays.equals(before.get(n), p.toFloatArray());
        boolean frozen = n.startsWith("h.0.") || n.equals("wte.weight") || n.equals("wpe.weight");
        assertEquals(frozen, same, n + (frozen ? " is frozen but moved" : " should train but did not move"));
      });
      assertThrows(IllegalArgumentException.class, () -> m.freezeLowerLayers(3));
    }
  }

  @Test
  void loadingWeightsIntoAModelWithALiveOptimizerKeepsTraining() {
    try (PolicyModel m = tiny(12)) {
      Optimizer opt = new Optimizer(m, 3e-3f, 0f, 1f);
      for (int i = 0; i < 5; i++) opt.step(sftLoss(m, batch()));
      byte[] snapshot = WeightsCodec.encode(m);
      double before = opt.step(sftLoss(m, batch())).loss();
      WeightsCodec.loadInto(m, snapshot);
      assertArrayEquals(snapshot, WeightsCodec.encode(m));
      double again = opt.step(sftLoss(m, batch())).loss();
      assertEquals(before, again, 1e-4, "the same weights give the same loss");
      double later = again;
      for (int i = 0; i < 20; i++) later = opt.step(sftLoss(m, batch())).loss();
      assertTrue(Double.isFinite(later) && later < again, "training goes on after the load: " + again + " -> " + later);
    }
  }

  @Test
  void theReferenceIsFrozen() {
    try (PolicyModel policy = tiny(13); PolicyModel ref = tiny(13)) {
      ref.setTrainable(false);
      byte[] refBefore = WeightsCodec.encode(ref);
      Optimizer opt = new Optimizer(policy, 1e-2f, 0f, 1f);
      SequenceBatch b = batch();
      for (int i = 0; i < 3; i++) {
        opt.step(s -> {
          NDArray lpRef = ref.sequenceLogProbs(b, s);
          NDArray lp = policy.sequenceLogProbs(b, s);
          return lp.sub(lpRef).square().mean().add(DjlLosses.sft(lp));
        });
      }
      assertArrayEquals(refBefore, WeightsCodec.encode(ref), "no update reached the reference");
      assertTrue(ref.parameters().values().stream().noneMatch(NDArray::hasGradient));
      assertFalse(java.util.Arrays.equals(refBefore, WeightsCodec.encode(policy)), "the policy did move");
    }
  }

  @Test
  void rewardModelStartsFromThePolicyTrunkAndLearnsPreferences() {
    try (PolicyModel policy = tiny(14); RewardModel rm = RewardModel.fromPolicy(policy, root, 15)) {
      assertArrayEquals(policy.parameters().get("h.0.attn.c_attn.weight").toFloatArray(), rm.parameters().get("h.0.attn.c_attn.weight").toFloatArray());
      int ctx = rm.config().contextLength();
      SequenceBatch good = SequenceBatch.ofText(tok, PROMPTS, RESPONSES, ctx);
      List<String> bad = RESPONSES.stream().map(r -> new StringBuilder(r).reverse().toString()).toList();
      SequenceBatch worse = SequenceBatch.ofText(tok, PROMPTS, bad, ctx);
      Optimizer opt = new Optimizer(rm, 3e-3f, 0f, 1f);
      double first = 0;
      double last = 0;
      for (int i = 0; i < 60; i++) {
        last = opt.step(s -> DjlLosses.bradleyTerry(
            rm.rewards(good.inputs(s), good.lastIndex(s)), rm.rewards(worse.inputs(s), worse.lastIndex(s)), s.create(0.01f))).loss();
        if (i == 0) first = last;
      }
      assertEquals(Math.log(2), first, 0.05, "BT loss starts near ln 2");
      assertTrue(last < 0.2, "the RM separates the pairs: " + last);
    }
  }

  @Test
  void djlLossesMirrorThePureMath() {
    try (NDManager s = root.newSubManager()) {
      NDArray beta = s.create(0.1f);
      NDArray zero = s.create(new float[] {0f, 0f});
      assertEquals(Losses.irftSigmoid(0, 0.1), DjlLosses.irftSigmoid(zero, beta).getFloat(), 1e-6);
      NDArray delta = s.create(new float[] {3f, -2f});
      assertEquals((Losses.irftSigmoid(3, 0.1) + Losses.irftSigmoid(-2, 0.1)) / 2, DjlLosses.irftSigmoid(delta, beta).getFloat(), 1e-6);
      assertEquals((Losses.irftHinge(3, 0.1) + Losses.irftHinge(-2, 0.1)) / 2, DjlLosses.irftHinge(delta, beta).getFloat(), 1e-6);
      NDArray rc = s.create(new float[] {1f, 1000f});
      NDArray rr = s.create(new float[] {0f, 0f});
      double bt = (Losses.bradleyTerry(1, 0, 0.01) + Losses.bradleyTerry(1000, 0, 0.01)) / 2;
      assertEquals(bt, DjlLosses.bradleyTerry(rc, rr, s.create(0.01f)).getFloat(), 1e-2);
      assertEquals(Losses.irftDelta(-10, -12, -8, -7),
          DjlLosses.irftDelta(s.create(-10f), s.create(-12f), s.create(-8f), s.create(-7f)).getFloat(), 1e-6);
      assertEquals(-(2 * -3 + -1 * -4) / 2.0,
          DjlLosses.policyGradient(s.create(new float[] {-3f, -4f}), s.create(new float[] {2f, -1f})).getFloat(), 1e-6);
    }
  }

  /** Flat gradient of a loss w.r.t. the model's parameters (no update). */
  static double[] gradient(PolicyModel m, Function<NDManager, NDArray> loss) {
    m.setTrainable(true);
    try (NDManager s = m.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss.apply(s));
      }
      List<Float> flat = new ArrayList<>();
      for (NDArray p : m.parameters().values()) {
        try (NDArray g = p.getGradient()) {
          for (float f : g.toFloatArray()) flat.add(f);
          g.subi(g);
        }
      }
      return flat.stream().mapToDouble(Float::doubleValue).toArray();
    }
  }

  /**
   * Check 3 on the transformer: at θ = θ_ref the IRFT gradient averaged over many ỹ ~ π_θ matches
   * (β/2)·∇(SFT loss) within sampling error.
   */
  @Test
  void check3FirstStepIdentityOnTheTransformerWithinSamplingError() {
    double beta = 0.1;
    int k = 512;
    try (PolicyModel policy = tiny(21); PolicyModel ref = tiny(21)) {
      ref.setTrainable(false);
      int ctx = policy.config().contextLength();
      int[] prompt = tok.encode(PROMPTS.get(0));
      int[][] prompts = new int[k][];
      long[] seeds = new long[k];
      for (int i = 0; i < k; i++) {
        prompts[i] = prompt;
        seeds[i] = 1000 + i;
      }
      Sampler.Generation g = Sampler.generate(policy, prompts, seeds, new Sampler.Options(12, 1f, 0, true));
      SequenceBatch samples = SequenceBatch.of(tok.bos(), prompts, g.responses(), ctx);
      SequenceBatch demo = SequenceBatch.ofText(tok, java.util.Collections.nCopies(k, PROMPTS.get(0)),
          java.util.Collections.nCopies(k, RESPONSES.get(0)), ctx);
      double[] sft = gradient(policy, s -> DjlLosses.sft(
          policy.sequenceLogProbs(demo, s)));
      double[] irft = gradient(policy, s -> {
        NDArray lpY = policy.sequenceLogProbs(demo, s);
        NDArray lpYt = policy.sequenceLogProbs(samples, s);
        NDArray refY = ref.sequenceLogProbs(demo, s);
        NDArray refYt = ref.sequenceLogProbs(samples, s);
        return DjlLosses.irftSigmoid(DjlLosses.irftDelta(lpY, refY, lpYt, refYt), s.create((float) beta));
      });
      double dot = 0;
      double n1 = 0;
      double n2 = 0;
      for (int i = 0; i < sft.length; i++) {
        double a = sft[i] * beta / 2;
        dot += a * irft[i];
        n1 += a * a;
        n2 += irft[i] * irft[i];
      }
      double cosine = dot / Math.sqrt(n1 * n2);
      double normRatio = Math.sqrt(n2 / n1);
      assertTrue(cosine > 0.9, "cosine " + cosine);
      assertEquals(1.0, normRatio, 0.25, "norm ratio " + normRatio);
    }
  }
}
