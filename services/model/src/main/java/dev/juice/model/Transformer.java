package dev.juice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import dev.juice.model.text.BpeTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GPT-2 decoder trunk (token + learned position embeddings, pre-LN causal self-attention, GELU
 * MLP, final LayerNorm) written with NDArray ops. Parameters carry Hugging Face GPT-2's names and
 * layouts ({@code h.N.attn.c_attn.weight} is Conv1D's (in, out)), so a checkpoint maps onto them
 * one to one. Parameters live in the model's own manager in a fixed order; every op is written
 * input-first ({@code x.matMul(W)}) so results attach to the caller's per-step manager, and scalars
 * are multiplied as NDArrays created in that manager (DJL's {@code mul(Number)} hands autograd a
 * freed temporary, which silently corrupts gradients). Embedding lookups use the native embedding op
 * with index arrays made in the step's manager.
 */
public abstract class Transformer implements AutoCloseable {
  protected final ModelConfig config;
  protected final NDManager manager;
  protected final Map<String, NDArray> params = new LinkedHashMap<>();
  private final Map<Integer, float[]> masks = new ConcurrentHashMap<>();
  private final java.util.Set<String> frozen = new java.util.HashSet<>();

  protected Transformer(ModelConfig config, NDManager parent, long seed) {
    this.config = config;
    this.manager = parent.newSubManager();
    Random rnd = new Random(seed);
    int d = config.embedDim();
    double std = 0.02;
    double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers()); // GPT-2: scaled residual projections
    add("wte.weight", normal(rnd, std, config.vocabSize(), d));
    add("wpe.weight", normal(rnd, 0.01, config.contextLength(), d));
    for (int l = 0; l < config.numLayers(); l++) {
      String p = "h." + l + ".";
      add(p + "ln_1.weight", ones(d));
      add(p + "ln_1.bias", zeros(d));
      add(p + "attn.c_attn.weight", normal(rnd, std, d, 3 * d));
      add(p + "attn.c_attn.bias", zeros(3 * d));
      add(p + "attn.c_proj.weight", normal(rnd, residualStd, d, d));
      add(p + "attn.c_proj.bias", zeros(d));
      add(p + "ln_2.weight", ones(d));
      add(p + "ln_2.bias", zeros(d));
      add(p + "mlp.c_fc.weight", normal(rnd, std, d, 4 * d));
      add(p + "mlp.c_fc.bias", zeros(4 * d));
      add(p + "mlp.c_proj.weight", normal(rnd, residualStd, 4 * d, d));
      add(p + "mlp.c_proj.bias", zeros(d));
    }
    add("ln_f.weight", ones(d));
    add("ln_f.bias", zeros(d));
  }

  /** The vocabulary the model was trained with; it travels with the weights. */
  public abstract BpeTokenizer tokenizer();

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

  /**
   * Marks every parameter as trainable or frozen (a frozen model never receives gradients); parameters
   * frozen by {@link #freezeLowerLayers} stay frozen.
   */
  public void setTrainable(boolean trainable) {
    params.forEach((name, p) -> p.setRequiresGradient(trainable && !frozen.contains(name)));
  }

  /**
   * Freezes the embeddings and the lowest {@code layers} blocks ({@code wte}, {@code wpe},
   * {@code h.0 … h.(layers-1)}) for good: training updates only the blocks above and the final
   * LayerNorm (and any head). 0 unfreezes everything.
   */
  public void freezeLowerLayers(int layers) {
    if (layers < 0 || layers > config.numLayers()) {
      throw new IllegalArgumentException("frozen layers must be in [0, " + config.numLayers() + "], got " + layers);
    }
    frozen.clear();
    if (layers > 0) {
      frozen.add("wte.weight");
      frozen.add("wpe.weight");
      for (String name : params.keySet()) {
        for (int l = 0; l < layers; l++) if (name.startsWith("h." + l + ".")) frozen.add(name);
      }
    }
    params.forEach((name, p) -> {
      if (frozen.contains(name)) p.setRequiresGradient(false);
    });
  }

  /** Lower blocks frozen by {@link #freezeLowerLayers} (0 = none). */
  public int frozenLayers() {
    int n = 0;
    while (n < config.numLayers() && frozen.contains("h." + n + ".ln_1.weight")) n++;
    return n;
  }

  /** The parameters training updates, in their fixed order. */
  public Map<String, NDArray> trainableParameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((name, p) -> {
      if (!frozen.contains(name)) out.put(name, p);
    });
    return out;
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

  /**
   * Key/value cache of an incremental forward: per layer one preallocated (B, H, capacity, hs) buffer
   * for keys and one for values, written in place at each step's positions. Attention reads the
   * whole buffer and masks the positions not written yet, so a step neither copies the cache (a
   * concatenation per layer and step cost more than the step's matmuls) nor slices it.
   */
  public static final class KvCache {
    final NDManager manager;
    final int capacity;
    final List<NDArray> keys = new ArrayList<>();
    final List<NDArray> values = new ArrayList<>();
    int length;

    /**
     * @param manager owns the buffers (close it to free them)
     * @param capacity the most tokens the cache will hold (prompt + generated); at most the context
     */
    public KvCache(NDManager manager, int capacity) {
      if (capacity < 1) throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
      this.manager = manager;
      this.capacity = capacity;
    }

    public int length() {
      return length;
    }

    /** Rows the cache holds (its batch size), 0 before the first forward. */
    public long rows() {
      return keys.isEmpty() ? 0 : keys.get(0).getShape().get(0);
    }

    /**
     * Keeps only the given batch rows, in that order (the next forward passes exactly these rows):
     * a generation drops its finished sequences so later steps stop computing them. Copies each
     * layer's buffers once; the old ones are freed.
     */
    public void keepRows(int[] rows) {
      if (keys.isEmpty()) return;
      long have = rows();
      for (int r : rows) {
        if (r < 0 || r >= have) throw new IllegalArgumentException("row " + r + " is not in a cache of " + have + " rows");
      }
      try (NDManager tmp = manager.newSubManager()) {
        NDArray index = tmp.create(rows);
        for (List<NDArray> buffers : List.of(keys, values)) {
          for (int l = 0; l < buffers.size(); l++) {
            NDArray old = buffers.get(l);
            NDArray kept = old.get(index); // (rows, H, capacity, hs), a new contiguous buffer
            kept.attach(manager);
            buffers.set(l, kept);
            old.close();
          }
        }
      }
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
    if (cache != null && offset + t > cache.capacity) {
      throw new IllegalArgumentException("sequence of " + (offset + t) + " tokens exceeds the cache's capacity of " + cache.capacity);
    }
    // (B, T) -> (B, T, C)
    NDArray x = embed(tokens, p("wte.weight"));
    int[] pos = new int[t];
    for (int i = 0; i < t; i++) pos[i] = offset + i;
    // (T) -> (T, C), broadcast over B
    x = x.add(embed(m.create(pos), p("wpe.weight")));
    // with a cache, keys span the whole buffer: positions not written yet are masked like future ones
    int keys = cache == null ? t : cache.capacity;
    NDArray mask = t > 1 || cache != null ? m.create(causalMask(t, offset, keys), new Shape(t, keys)) : null;
    NDArray scale = m.create((float) (1.0 / Math.sqrt(config.headDim())));
    for (int l = 0; l < config.numLayers(); l++) {
      String pre = "h." + l + ".";
      x = x.add(attention(layerNorm(x, pre + "ln_1"), pre, l, cache, mask, scale, b, t));
      NDArray h = gelu(layerNorm(x, pre + "ln_2").matMul(p(pre + "mlp.c_fc.weight")).add(p(pre + "mlp.c_fc.bias")));
      x = x.add(h.matMul(p(pre + "mlp.c_proj.weight")).add(p(pre + "mlp.c_proj.bias")));
    }
    if (cache != null) cache.length += t;
    return layerNorm(x, "ln_f");
  }

  private NDArray attention(NDArray x, String pre, int layer, KvCache cache, NDArray mask, NDArray scale, long b, int t) {
    int heads = config.numHeads();
    int hs = config.headDim();
    // (B, T, C) -> (B, T, 3C) -> 3 × (B, H, T, hs)
    NDList qkv = x.matMul(p(pre + "attn.c_attn.weight")).add(p(pre + "attn.c_attn.bias")).split(3, 2);
    NDArray q = qkv.get(0).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    NDArray k = qkv.get(1).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    NDArray v = qkv.get(2).reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    if (cache != null) {
      if (cache.keys.size() <= layer) {
        Shape buffer = new Shape(b, heads, cache.capacity, hs);
        cache.keys.add(cache.manager.zeros(buffer, DataType.FLOAT32));
        cache.values.add(cache.manager.zeros(buffer, DataType.FLOAT32));
      }
      NDIndex at = new NDIndex(":, :, {}:{}", cache.length, cache.length + t);
      NDArray keyBuffer = cache.keys.get(layer);
      NDArray valueBuffer = cache.values.get(layer);
      keyBuffer.set(at, k); // in place: the buffers never move or grow
      valueBuffer.set(at, v);
      k = keyBuffer;
      v = valueBuffer;
    }
    // (B, H, T, hs) x (B, H, hs, S) -> (B, H, T, S), S = T, or the cache's capacity
    NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
    if (mask != null) att = att.add(mask);
    // (B, H, T, S) x (B, H, S, hs) -> (B, H, T, hs) -> (B, T, C)
    NDArray y = att.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hs);
    return y.matMul(p(pre + "attn.c_proj.weight")).add(p(pre + "attn.c_proj.bias"));
  }

  /** Rows of {@code table} at the (int32) indices, in the indices' manager (differentiable w.r.t. the table). */
  private static NDArray embed(NDArray indices, NDArray table) {
    return indices.getNDArrayInternal().embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** The configured GELU; gelu_new = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), constants as arrays in x's manager. */
  private NDArray gelu(NDArray x) {
    if (config.activation() == ModelConfig.Activation.GELU) return Activation.gelu(x);
    NDManager m = x.getManager();
    NDArray inner = x.add(x.mul(x).mul(x).mul(m.create(0.044715f))).mul(m.create((float) Math.sqrt(2.0 / Math.PI)));
    return x.mul(inner.tanh().add(1f)).mul(m.create(0.5f));
  }

  /**
   * LayerNorm over the last axis, (x − mean) / sqrt(var + ε) · weight + bias, as PyTorch's one native
   * op (differentiable): written out it took nine ops and ≈ 8× the time per call.
   */
  private NDArray layerNorm(NDArray x, String name) {
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(config.embedDim()), p(name + ".weight"), p(name + ".bias"), (float) config.layerNormEpsilon())
        .singletonOrThrow();
  }

  /**
   * Additive mask (T, S): 0 where query i (at position offset + i) may see key j (j ≤ offset + i),
   * else −1e9. S is offset + T without a cache, the cache's capacity with one.
   */
  private float[] causalMask(int t, int offset, int s) {
    if (offset == 0 && s == t) return masks.computeIfAbsent(t, n -> build(n, 0, n));
    return build(t, offset, s);
  }

  private static float[] build(int t, int offset, int s) {
    float[] m = new float[t * s];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < s; j++) m[i * s + j] = j <= offset + i ? 0f : -1e9f;
    }
    return m;
  }

  /** {@code param}ᵀ as an array owned by {@code m}: a transpose of a parameter would otherwise attach to the model's manager and live until the model closes. */
  protected final NDArray transposed(String param, NDManager m) {
    NDArray t = p(param).transpose();
    t.attach(m);
    return t;
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
