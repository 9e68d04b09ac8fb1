package dev.juice.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.Transformer;
import dev.juice.model.WeightsCodec;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {
  static NDManager root;
  static BpeTokenizer tok;
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    Engines.pytorch(2);
    root = Engines.newManager();
    tok = BpeTrainer.train(List.of("The food was great.", "The service was slow and the food cold."), 300).tokenizer();
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  static PolicyModel policy(ModelConfig.Activation a) {
    return new PolicyModel(new ModelConfig(tok.vocabSize(), 16, 32, 4, 2, a, 1e-5), tok, root, 7);
  }

  static float[] logits(PolicyModel m, int[] ids) {
    try (NDManager s = m.manager().newSubManager()) {
      return m.logits(s.create(ids, new Shape(1, ids.length)), null).toFloatArray();
    }
  }

  static int[] ids() {
    int[] t = tok.encode("The food was slow.");
    int[] out = new int[t.length + 1];
    out[0] = tok.bos();
    System.arraycopy(t, 0, out, 1, t.length);
    return out;
  }

  @Test
  void exportThenImportGivesBitIdenticalLogits() throws Exception {
    for (ModelConfig.Activation a : ModelConfig.Activation.values()) {
      try (PolicyModel m = policy(a)) {
        HfCheckpoint.save(m, dir.resolve(a.name()));
        try (PolicyModel back = HfCheckpoint.loadPolicy(dir.resolve(a.name()), root)) {
          assertEquals(m.config(), back.config());
          assertEquals(m.tokenizer(), back.tokenizer());
          assertArrayEquals(logits(m, ids()), logits(back, ids()));
        }
        // the Kafka blob carries the same checkpoint
        try (PolicyModel viaBlob = WeightsCodec.decodePolicy(WeightsCodec.encode(m), root)) {
          assertArrayEquals(logits(m, ids()), logits(viaBlob, ids()));
        }
      }
    }
    ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("GELU_NEW/config.json").toFile());
    assertEquals("gpt2", c.get("model_type").asText());
    assertEquals("GPT2LMHeadModel", c.get("architectures").get(0).asText());
    assertEquals("gelu_new", c.get("activation_function").asText());
  }

  @Test
  void aRewardModelTravelsAsAGpt2SequenceClassifier() throws Exception {
    try (PolicyModel p = policy(ModelConfig.Activation.GELU); RewardModel rm = RewardModel.fromPolicy(p, root, 3)) {
      HfCheckpoint.save(rm, dir);
      assertEquals("GPT2ForSequenceClassification", JSON.readTree(dir.resolve("config.json").toFile()).get("architectures").get(0).asText());
      Map<String, SafeTensors.Tensor> t = SafeTensors.read(dir.resolve("model.safetensors"));
      assertArrayEquals(new long[] {1, 32}, t.get("score.weight").shape());
      assertTrue(t.containsKey("transformer.h.1.attn.c_attn.weight"));
      try (Transformer back = HfCheckpoint.load(dir, root); NDManager s = root.newSubManager()) {
        assertTrue(back instanceof RewardModel);
        int[] ids = ids();
        NDArray in = s.create(ids, new Shape(1, ids.length));
        NDArray last = s.create(new int[] {ids.length - 1});
        assertArrayEquals(rm.rewards(in, last).toFloatArray(), ((RewardModel) back).rewards(in, last).toFloatArray());
      }
    }
  }

  @Test
  void djlReadsTheExportedSafetensors() throws Exception {
    try (PolicyModel m = policy(ModelConfig.Activation.GELU); NDManager s = root.newSubManager()) {
      HfCheckpoint.save(m, dir);
      NDList list = NDList.decode(s, Files.readAllBytes(dir.resolve("model.safetensors")));
      assertEquals(m.parameters().size(), list.size());
      NDArray wte = list.get("transformer.wte.weight");
      assertArrayEquals(m.parameters().get("wte.weight").toFloatArray(), wte.toFloatArray());
      assertEquals(new Shape(tok.vocabSize(), 32), wte.getShape());
    }
  }

  @Test
  void sixteenBitCheckpointsAreWidenedToFloat32() throws Exception {
    try (PolicyModel m = policy(ModelConfig.Activation.GELU)) {
      HfCheckpoint.save(m, dir);
      for (String dtype : List.of("BF16", "F16")) {
        rewriteTensors(dir, dtype, null, null);
        try (PolicyModel back = HfCheckpoint.loadPolicy(dir, root)) {
          float[] a = m.parameters().get("h.0.mlp.c_fc.weight").toFloatArray();
          float[] b = back.parameters().get("h.0.mlp.c_fc.weight").toFloatArray();
          for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], Math.abs(a[i]) * (dtype.equals("BF16") ? 1e-2 : 1e-3) + 1e-4, dtype);
        }
        HfCheckpoint.save(m, dir);
      }
    }
    assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
    assertEquals(5.9604645e-8f, SafeTensors.halfToFloat((short) 0x0001));
  }

  @Test
  void badCheckpointsAreRefusedNamingTheFileAndTensor() throws Exception {
    try (PolicyModel m = policy(ModelConfig.Activation.GELU)) {
      Path weights = dir.resolve("model.safetensors");
      HfCheckpoint.save(m, dir);
      rewriteTensors(dir, "F32", "transformer.h.1.mlp.c_fc.bias", null);
      assertRefused("has no tensor transformer.h.1.mlp.c_fc.bias", weights.toString());

      HfCheckpoint.save(m, dir);
      rewriteTensors(dir, "F32", null, "transformer.h.0.attn.c_proj.weight");
      assertRefused("tensor transformer.h.0.attn.c_proj.weight has shape [16, 64]", weights.toString());

      HfCheckpoint.save(m, dir);
      byte[] full = Files.readAllBytes(weights);
      Files.write(weights, Arrays.copyOf(full, full.length - 100));
      assertRefused("is truncated: tensor transformer.", weights.toString());

      HfCheckpoint.save(m, dir);
      ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
      c.put("model_type", "llama");
      JSON.writeValue(dir.resolve("config.json").toFile(), c);
      assertRefused("architecture llama/GPT2LMHeadModel is not supported", dir.resolve("config.json").toString());

      HfCheckpoint.save(m, dir);
      c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
      c.put("vocab_size", tok.vocabSize() - 10);
      JSON.writeValue(dir.resolve("config.json").toFile(), c);
      assertRefused("the tokenizer has " + tok.vocabSize() + " tokens but config.json's vocab_size is " + (tok.vocabSize() - 10), dir.toString());

      HfCheckpoint.save(m, dir);
      Files.delete(dir.resolve("tokenizer.json"));
      assertRefused("has no tokenizer.json", dir.toString());
    }
  }

  private void assertRefused(String message, String where) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.load(dir, root).close());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains(where), e.getMessage());
  }

  /** Rewrites model.safetensors as {@code dtype}, optionally dropping one tensor or transposing another. */
  static void rewriteTensors(Path dir, String dtype, String drop, String transpose) throws Exception {
    Map<String, SafeTensors.Tensor> t = SafeTensors.read(dir.resolve("model.safetensors"));
    ObjectNode header = JSON.createObjectNode();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int width = dtype.equals("F32") ? 4 : 2;
    for (Map.Entry<String, SafeTensors.Tensor> e : t.entrySet()) {
      if (e.getKey().equals(drop)) continue;
      long[] shape = e.getValue().shape().clone();
      if (e.getKey().equals(transpose)) shape = new long[] {shape[1] / 2, shape[0] * 2};
      float[] v = e.getValue().data();
      ObjectNode o = header.putObject(e.getKey());
      o.put("dtype", dtype);
      var s = o.putArray("shape");
      for (long d : shape) s.add(d);
      o.putArray("data_offsets").add(data.size()).add(data.size() + (long) v.length * width);
      ByteBuffer b = ByteBuffer.allocate(v.length * width).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        switch (dtype) {
          case "F32" -> b.putFloat(f);
          case "BF16" -> b.putShort((short) (Float.floatToIntBits(f) >>> 16));
          default -> b.putShort(floatToHalf(f));
        }
      }
      data.write(b.array());
    }
    byte[] h = JSON.writeValueAsBytes(header);
    try (OutputStream out = Files.newOutputStream(dir.resolve("model.safetensors"))) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      out.write(h);
      data.writeTo(out);
    }
  }

  /** float → binary16, round to nearest (normal range; tiny values flush to zero). */
  static short floatToHalf(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (exp <= 0) return (short) sign;
    int half = sign | (exp << 10) | (mant >>> 13);
    if ((mant & 0x1000) != 0) half++;
    return (short) half;
  }

  static List<String> names(Map<String, ?> m) {
    return new ArrayList<>(m.keySet());
  }
}
