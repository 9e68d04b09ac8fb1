package dev.juice.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.BpeTrainer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPT-2 forward pass written from the architecture (Radford et al. 2019; Hugging Face's
 * modeling_gpt2): plain loops over float arrays read straight from an exported checkpoint's files,
 * sharing no code with Juice's model or its safetensors reader. Its logits must match DJL's.
 */
class IndependentGpt2ForwardTest {
  @TempDir Path dir;

  @Test
  void plainJavaForwardMatchesDjlWithin1e4() throws Exception {
    Engines.pytorch(2);
    BpeTokenizer tok = BpeTrainer.train(List.of("The food was great.", "The service was slow."), 320).tokenizer();
    for (ModelConfig.Activation act : ModelConfig.Activation.values()) {
      try (NDManager root = Engines.newManager();
           PolicyModel m = new PolicyModel(new ModelConfig(tok.vocabSize(), 64, 48, 3, 3, act, 1e-5), tok, root, 11)) {
        // larger weights than the 0.02 initialisation, so every non-linearity is exercised
        m.parameters().forEach((n, p) -> {
          float[] v = p.toFloatArray();
          java.util.Random r = new java.util.Random(n.hashCode());
          for (int i = 0; i < v.length; i++) v[i] += (float) (r.nextGaussian() * 0.3);
          p.set(v);
        });
        Path d = dir.resolve(act.name());
        HfCheckpoint.save(m, d);
        int[] ids = tok.encode("The service was great and the food slow.");
        float[][] want = new Reference(d).logits(ids);
        float[] got;
        try (NDManager s = root.newSubManager()) {
          got = m.logits(s.create(ids, new Shape(1, ids.length)), null).toFloatArray();
        }
        int v = want[0].length;
        double worst = 0;
        for (int t = 0; t < ids.length; t++) {
          for (int j = 0; j < v; j++) worst = Math.max(worst, Math.abs(want[t][j] - got[t * v + j]));
        }
        assertEquals(0, worst, 1e-4, act + ": largest logit difference " + worst);
      }
    }
  }

  /** The reference implementation: reads config.json and model.safetensors itself. */
  static final class Reference {
    final Map<String, float[]> w = new HashMap<>();
    final int d;
    final int heads;
    final int layers;
    final int vocab;
    final double eps;
    final boolean tanhGelu;

    Reference(Path dir) throws Exception {
      ObjectMapper json = new ObjectMapper();
      JsonNode c = json.readTree(dir.resolve("config.json").toFile());
      d = c.get("n_embd").asInt();
      heads = c.get("n_head").asInt();
      layers = c.get("n_layer").asInt();
      vocab = c.get("vocab_size").asInt();
      eps = c.get("layer_norm_epsilon").asDouble();
      tanhGelu = c.get("activation_function").asText().equals("gelu_new");
      byte[] f = Files.readAllBytes(dir.resolve("model.safetensors"));
      ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
      int n = (int) b.getLong(0);
      JsonNode h = json.readTree(new String(f, 8, n, java.nio.charset.StandardCharsets.UTF_8));
      for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (name.equals("__metadata__")) continue;
        long from = h.get(name).get("data_offsets").get(0).asLong();
        long to = h.get(name).get("data_offsets").get(1).asLong();
        float[] v = new float[(int) ((to - from) / 4)];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat((int) (8 + n + from + 4L * i));
        w.put(name.replace("transformer.", ""), v);
      }
    }

    float[][] logits(int[] ids) {
      int t = ids.length;
      float[][] x = new float[t][d];
      float[] wte = w.get("wte.weight");
      float[] wpe = w.get("wpe.weight");
      for (int i = 0; i < t; i++) for (int j = 0; j < d; j++) x[i][j] = wte[ids[i] * d + j] + wpe[i * d + j];
      int hs = d / heads;
      for (int l = 0; l < layers; l++) {
        String p = "h." + l + ".";
        float[][] a = layerNorm(x, p + "ln_1");
        float[][] qkv = linear(a, p + "attn.c_attn", d, 3 * d);
        float[][] y = new float[t][d];
        for (int hd = 0; hd < heads; hd++) {
          for (int i = 0; i < t; i++) {
            double[] score = new double[i + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s <= i; s++) {
              double dot = 0;
              for (int k = 0; k < hs; k++) dot += qkv[i][hd * hs + k] * qkv[s][d + hd * hs + k];
              score[s] = dot / Math.sqrt(hs);
              max = Math.max(max, score[s]);
            }
            double z = 0;
            for (int s = 0; s <= i; s++) z += score[s] = Math.exp(score[s] - max);
            for (int k = 0; k < hs; k++) {
              double acc = 0;
              for (int s = 0; s <= i; s++) acc += score[s] / z * qkv[s][2 * d + hd * hs + k];
              y[i][hd * hs + k] = (float) acc;
            }
          }
        }
        add(x, linear(y, p + "attn.c_proj", d, d));
        float[][] hidden = linear(layerNorm(x, p + "ln_2"), p + "mlp.c_fc", d, 4 * d);
        for (float[] row : hidden) for (int j = 0; j < row.length; j++) row[j] = gelu(row[j]);
        add(x, linear(hidden, p + "mlp.c_proj", 4 * d, d));
      }
      float[][] out = layerNorm(x, "ln_f");
      float[][] logits = new float[t][vocab];
      for (int i = 0; i < t; i++) {
        for (int v = 0; v < vocab; v++) {
          double acc = 0;
          for (int j = 0; j < d; j++) acc += out[i][j] * wte[v * d + j]; // tied head
          logits[i][v] = (float) acc;
        }
      }
      return logits;
    }

    float gelu(float x) {
      if (tanhGelu) return (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
      return (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
    }

    /** Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7). */
    static double erf(double x) {
      double s = Math.signum(x);
      x = Math.abs(x);
      double t = 1 / (1 + 0.3275911 * x);
      double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
      return s * y;
    }

    /** Conv1D: x (T, in) · W (in, out) + b. */
    float[][] linear(float[][] x, String name, int in, int out) {
      float[] wt = w.get(name + ".weight");
      float[] bias = w.get(name + ".bias");
      float[][] y = new float[x.length][out];
      for (int i = 0; i < x.length; i++) {
        for (int o = 0; o < out; o++) {
          double acc = bias[o];
          for (int k = 0; k < in; k++) acc += x[i][k] * wt[k * out + o];
          y[i][o] = (float) acc;
        }
      }
      return y;
    }

    float[][] layerNorm(float[][] x, String name) {
      float[] g = w.get(name + ".weight");
      float[] b = w.get(name + ".bias");
      float[][] y = new float[x.length][d];
      for (int i = 0; i < x.length; i++) {
        double mean = 0;
        for (float v : x[i]) mean += v;
        mean /= d;
        double var = 0;
        for (float v : x[i]) var += (v - mean) * (v - mean);
        var /= d;
        for (int j = 0; j < d; j++) y[i][j] = (float) ((x[i][j] - mean) / Math.sqrt(var + eps) * g[j] + b[j]);
      }
      return y;
    }

    static void add(float[][] x, float[][] y) {
      for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) x[i][j] += y[i][j];
    }
  }
}
