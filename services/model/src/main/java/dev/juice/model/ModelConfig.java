package dev.juice.model;

/**
 * Size of a GPT-2-architecture decoder (nanoGPT's GPTConfig; the fields of a Hugging Face GPT-2
 * {@code config.json}). Juice's presets and imported checkpoints are the same kind of model.
 *
 * @param vocabSize token embedding rows ({@code vocab_size}); at least the tokenizer's vocabulary
 * @param contextLength longest sequence, BOS + prompt + response ({@code n_positions})
 * @param embedDim width of the residual stream ({@code n_embd})
 * @param numHeads attention heads ({@code n_head}); embedDim must be divisible by it
 * @param numLayers transformer blocks ({@code n_layer})
 * @param activation the MLP's non-linearity ({@code activation_function})
 * @param layerNormEpsilon ({@code layer_norm_epsilon})
 */
public record ModelConfig(int vocabSize, int contextLength, int embedDim, int numHeads, int numLayers,
    Activation activation, double layerNormEpsilon) {

  /** GPT-2's "gelu_new" is the tanh approximation; "gelu" the exact erf form (one native op, faster). */
  public enum Activation {
    GELU("gelu"), GELU_NEW("gelu_new");

    private final String hfName;

    Activation(String hfName) {
      this.hfName = hfName;
    }

    public String hfName() {
      return hfName;
    }

    public static Activation fromHf(String name) {
      for (Activation a : values()) if (a.hfName.equals(name)) return a;
      if ("gelu_pytorch_tanh".equals(name) || "gelu_fast".equals(name)) return GELU_NEW;
      throw new IllegalArgumentException("activation_function '" + name + "' is not supported (gelu, gelu_new)");
    }
  }

  public ModelConfig {
    if (numHeads <= 0 || embedDim % numHeads != 0) throw new IllegalArgumentException("n_embd " + embedDim + " must be divisible by n_head " + numHeads);
    if (vocabSize < 4 || contextLength < 2 || numLayers < 1) throw new IllegalArgumentException("model too small: " + this);
    if (activation == null) throw new IllegalArgumentException("activation is required");
    if (!(layerNormEpsilon > 0)) throw new IllegalArgumentException("layer_norm_epsilon must be positive");
  }

  public ModelConfig(int vocabSize, int contextLength, int embedDim, int numHeads, int numLayers) {
    this(vocabSize, contextLength, embedDim, numHeads, numLayers, Activation.GELU, 1e-5);
  }

  /** Default, ≈ 4 M parameters with a 4,096-token vocabulary: trains at several k tokens/s on 2 cores. */
  public static ModelConfig small(int vocabSize) {
    return new ModelConfig(vocabSize,
        64,  // context: UCI sentences are ≤ ~45 BPE tokens
        256, // width
        8,   // heads of 32
        4);  // blocks
  }

  /** Larger preset, ≈ 11 M parameters. */
  public static ModelConfig large(int vocabSize) {
    return new ModelConfig(vocabSize, 64, 384, 6, 6);
  }

  /** Tiny, for tests. */
  public static ModelConfig tiny(int vocabSize) {
    return new ModelConfig(vocabSize, 48, 32, 2, 2);
  }

  /** GPT-2 small's shape (124 M parameters with GPT-2's 50,257-token vocabulary). */
  public static ModelConfig gpt2Small(int vocabSize) {
    return new ModelConfig(vocabSize, 1024, 768, 12, 12, Activation.GELU_NEW, 1e-5);
  }

  /** A preset by name: tiny, small, large or gpt2. */
  public static ModelConfig preset(String name, int vocabSize) {
    return switch (name) {
      case "tiny" -> tiny(vocabSize);
      case "small" -> small(vocabSize);
      case "large" -> large(vocabSize);
      case "gpt2" -> gpt2Small(vocabSize);
      default -> throw new IllegalArgumentException("unknown model preset '" + name + "' (tiny, small, large, gpt2)");
    };
  }

  public ModelConfig withContext(int context) {
    return new ModelConfig(vocabSize, context, embedDim, numHeads, numLayers, activation, layerNormEpsilon);
  }

  public int headDim() {
    return embedDim / numHeads;
  }

  /** Trunk parameters (embeddings, blocks, final norm); the LM head is tied to the token embedding. */
  public long trunkParameters() {
    long d = embedDim;
    long perBlock = 2 * d /* ln_1 */ + d * 3 * d + 3 * d /* c_attn */ + d * d + d /* attn.c_proj */
        + 2 * d /* ln_2 */ + d * 4 * d + 4 * d /* c_fc */ + 4 * d * d + d /* mlp.c_proj */;
    return vocabSize * d + contextLength * d + numLayers * perBlock + 2 * d;
  }
}
