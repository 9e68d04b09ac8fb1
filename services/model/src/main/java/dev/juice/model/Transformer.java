package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pre-LN GPT decoder trunk (token + learned position embeddings, causal self-attention, GELU MLP,
 * final LayerNorm) written with NDArray ops. Parameters live in the model's own manager in a fixed
 * order; every op is written input-first ({@code x.matMul(W)}) so results attach to the caller's
 * per-step manager, and scalars are multiplied as NDArrays created in that manager (DJL's
 * {@code mul(Number)} hands autograd a freed temporary — PLATFORM_NOTES.md). Embedding lookups are
 * one-hot matrix products for the same reason.
 */
public class Transformer implements AutoCloseable {
  protected final ModelConfig config;
  protected final NDManager manager;
  protected final Map<String, NDArray> params = new LinkedHashMap<>();
  private final Map<Integer, float[]> masks = new ConcurrentHashMap<>();

  protected Transformer(ModelConfig config, NDManager parent, long seed) {
    this.config = config;
    this.manager = parent.newSubManager();
    Random rnd = new Random(seed);
    int d = config.embedDim();
    double std = 0.02;
    double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers()); // GPT-2: scaled residual projections
    add("wte", normal(rnd, std, config.vocabSize(), d));
    add("wpe", normal(rnd, std, config.contextLength(), d));
    for (int l = 0; l < config.numLayers(); l++) {
      String p = "h" + l + ".";
      add(p + "ln1.g", ones(d));
      add(p + "ln1.b", zeros(d));
      add(p + "attn.w", normal(rnd, std, d, 3 * d));
      add(p + "attn.b", zeros(3 * d));
      add(p + "proj.w", normal(rnd, residualStd, d, d));
      add(p + "proj.b", zeros(d));
      add(p + "ln2.g", ones(d));
      add(p + "ln2.b", zeros(d));
      add(p + "fc.w", normal(rnd, std, d, 4 * d));
      add(p + "fc.b", zeros(4 * d));
      add(p + "fcproj.w", normal(rnd, residualStd, 4 * d, d));
      add(p + "fcproj.b", zeros(d));
    }
    add("lnf.g", ones(d));
    add("lnf.b", zeros(d));
  }

  public ModelConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  /** Parameters in their fixed order (the weight format relies on it). */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(params);
  }

  public long parameterCount() {
    return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Marks every parameter as trainable or frozen (a frozen model never receives gradients). */
  public void setTrainable(boolean trainable) {
    params.values().forEach(p -> p.setRequiresGradient(trainable));
  }

  protected final void add(String name, NDArray array) {
    array.setName(name);
    params.put(name, array);
  }

  protected final NDArray p(String name) {
    return params.get(name);
  }

  protected final NDArray normal(Random rnd, double std, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * std);
    return manager.create(v, new Shape(shape));
  }

  protected final NDArray zeros(long... shape) {
    return manager.zeros(new Shape(shape), DataType.FLOAT32);
  }

  protected final NDArray ones(long... shape) {
    return manager.ones(new Shape(shape), DataType.FLOAT32);
  }

  /** Key/value cache of an incremental forward: per layer (B, H, t, hs). */
  public static final class KvCache {
    final List<NDArray> keys = new ArrayList<>();
    final List<NDArray> values = new ArrayList<>();
    int length;

    public int length() {
      return length;
    }
  }

  /**
   * Hidden states of a batch.
   *
   * @param tokens (B, T) int32 token ids in the caller's step manager
   * @param cache null for a full causal forward, or the cache of an incremental forward (the new
   *     tokens follow the cached ones; T = 1 per step after a prefill)
   * @return (B, T, C) final-LayerNorm hidden states
   */
  public NDArray hidden(NDArray tokens, KvCache cache) {
    NDManager m = tokens.getManager();
    long b = tokens.getShape().get(0);
    int t = (int) tokens.getShape().get(1);
    int offset = cache == null ? 0 : cache.length;
    if (offset + t > config.contextLength()) {
      throw new IllegalArgumentException("sequence of " + (offset + t) + " tokens exceeds the context of " + config.contextLength());
    }
    // (B, T) -> (B, T, V) -> (B, T, C)
    NDArray x = tokens.oneHot(config.vocabSize(), DataType.FLOAT32).matMul(p("wte"));
    int[] pos = new int[t];
    for (int i = 0; i < t; i++) pos[i] = offset + i;
    // (T) -> (T, ctx) -> (T, C), broadcast over B
    x = x.add(m.create(pos).oneHot(config.contextLength(), DataType.FLOAT32).matMul(p("wpe")));
    NDArray mask = t > 1 ? m.create(causalMask(t, offset), new Shape(t, offset + t)) : null;
    NDArray scale = m.create((float) (1.0 / Math.sqrt(config.headDim())));
    for (int l = 0; l < config.numLayers(); l++) {
      String pre = "h" + l + ".";
      x = x.add(attention(layerNorm(x, pre + "ln1"), pre, l, cache, mask, scale, b, t));
      NDArray h = Activation.gelu(layerNorm(x, pre + "ln2").matMul(p(pre + "fc.w")).add(p(pre + "fc.b")));
      x = x.add(h.matMul(p(pre + "fcproj.w")).add(p(pre + "fcproj.b")));
    }
    if (cache != null) cache.length += t;
    return layerNorm(x, "lnf");
  }

  private NDArray attention(NDArray x, String pre, int layer, KvCache cache, NDArray mask, NDArray scale, long b, int t) {
    int heads = config.numHeads();
    int hs = config.headDim();
    // (B, T, C) -> (B, T, 3C) -> 3 × (B, H, T, hs)
    NDList qkv = x.matMul(p(pre + "attn.w")).add(p(pre + "attn.b")).split(3, 2);
    NDArray q = qkv.get(0).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    NDArray k = qkv.get(1).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    NDArray v = qkv.get(2).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    if (cache != null) {
      if (cache.keys.size() > layer) {
        NDArray oldK = cache.keys.get(layer);
        NDArray oldV = cache.values.get(layer);
        k = oldK.concat(k, 2); // attaches to the cache's manager, like oldK
        v = oldV.concat(v, 2);
        cache.keys.set(layer, k);
        cache.values.set(layer, v);
        oldK.close(); // the cache would otherwise hold every length it ever had until generation ends
        oldV.close();
      } else {
        cache.keys.add(k);
        cache.values.add(v);
      }
    }
    // (B, H, T, hs) x (B, H, hs, S) -> (B, H, T, S), S = cached + new
    NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
    if (mask != null) att = att.add(mask);
    // (B, H, T, S) x (B, H, S, hs) -> (B, H, T, hs) -> (B, T, C)
    NDArray y = att.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hs);
    return y.matMul(p(pre + "proj.w")).add(p(pre + "proj.b"));
  }

  /** LayerNorm over the last axis: (x − mean) / sqrt(var + 1e-5) · g + b. */
  private NDArray layerNorm(NDArray x, String name) {
    NDArray mean = x.mean(new int[] {-1}, true);
    NDArray centered = x.sub(mean);
    NDArray var = centered.square().mean(new int[] {-1}, true);
    return centered.div(var.add(1e-5f).sqrt()).mul(p(name + ".g")).add(p(name + ".b"));
  }

  /** Additive mask (T, offset + T): 0 where query i may see key j (j ≤ offset + i), else −1e9. */
  private float[] causalMask(int t, int offset) {
    if (offset == 0) return masks.computeIfAbsent(t, n -> build(n, 0));
    return build(t, offset);
  }

  private static float[] build(int t, int offset) {
    int s = offset + t;
    float[] m = new float[t * s];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < s; j++) m[i * s + j] = j <= offset + i ? 0f : -1e9f;
    }
    return m;
  }

  /** Copies another model's parameters of the same names and shapes into this one, in place. */
  public void copyFrom(Transformer other) {
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray src = other.params.get(e.getKey());
      if (src != null && src.getShape().equals(e.getValue().getShape())) {
        e.getValue().set(src.toFloatArray());
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
