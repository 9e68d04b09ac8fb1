package dev.juice.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.RewardModel;
import dev.juice.model.Transformer;
import dev.juice.model.text.BpeTokenizer;
import dev.juice.model.text.Gpt2Vocabulary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hugging Face GPT-2 checkpoints in and out: a directory with {@code config.json}, {@code
 * model.safetensors} (or shards listed in {@code model.safetensors.index.json}) and {@code
 * tokenizer.json} (or GPT-2's {@code vocab.json} + {@code merges.txt}). A {@code GPT2LMHeadModel}
 * (or a bare {@code GPT2Model}) becomes a {@link PolicyModel}, a {@code GPT2ForSequenceClassification}
 * with one label a {@link RewardModel}. Tensor names are Hugging Face's ({@code
 * transformer.h.N.attn.c_attn.weight}, Conv1D (in, out) layout), with or without the {@code
 * transformer.} prefix on reading; the LM head is tied to {@code wte}. Anything that does not fit —
 * an unknown architecture, a missing or extra tensor, a wrong shape, a truncated file, a tokenizer
 * with more tokens than the embedding — is refused with the file and tensor named, before any model
 * is returned.
 */
public final class HfCheckpoint {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";
  public static final String TOKENIZER = "tokenizer.json";
  static final String LM = "GPT2LMHeadModel";
  static final String BARE = "GPT2Model";
  static final String CLASSIFIER = "GPT2ForSequenceClassification";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfCheckpoint() {}

  /** What a config.json describes. */
  public record Header(ModelConfig config, boolean reward) {}

  /** Loads a checkpoint directory as a policy or a reward model. */
  public static Transformer load(Path dir, NDManager parent) throws IOException {
    Header h = readConfig(dir.resolve(CONFIG));
    BpeTokenizer tok = readTokenizer(dir);
    checkVocabulary(tok, h.config(), dir);
    Map<String, SafeTensors.Tensor> tensors = readTensors(dir);
    Transformer m = h.reward() ? new RewardModel(h.config(), tok, parent, 0) : new PolicyModel(h.config(), tok, parent, 0);
    try {
      assign(m, tensors, dir.resolve(Files.exists(dir.resolve(WEIGHTS)) ? WEIGHTS : INDEX).toString());
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  public static PolicyModel loadPolicy(Path dir, NDManager parent) throws IOException {
    Transformer t = load(dir, parent);
    if (t instanceof PolicyModel p) return p;
    t.close();
    throw new IllegalArgumentException(dir.resolve(CONFIG) + " describes a reward model (" + CLASSIFIER + "), not a language model");
  }

  /** Writes config.json, tokenizer.json and model.safetensors (float32) into {@code dir}. */
  public static void save(Transformer model, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(configJson(model)));
    model.tokenizer().write(dir.resolve(TOKENIZER));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(WEIGHTS)), 1 << 20)) {
      SafeTensors.write(tensors(model), Map.of("format", "pt"), out);
    }
  }

  /** The model's parameters under Hugging Face's names. */
  public static List<SafeTensors.Named> tensors(Transformer model) {
    List<SafeTensors.Named> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      out.add(new SafeTensors.Named(hfName(e.getKey()), e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    return out;
  }

  private static String hfName(String param) {
    return param.startsWith("score.") ? param : "transformer." + param;
  }

  /** Hugging Face's config.json for the model. */
  public static ObjectNode configJson(Transformer model) {
    ModelConfig c = model.config();
    BpeTokenizer tok = model.tokenizer();
    boolean reward = model instanceof RewardModel;
    ObjectNode o = JSON.createObjectNode();
    o.put("model_type", "gpt2");
    o.putArray("architectures").add(reward ? CLASSIFIER : LM);
    o.put("vocab_size", c.vocabSize()).put("n_positions", c.contextLength()).put("n_ctx", c.contextLength())
        .put("n_embd", c.embedDim()).put("n_head", c.numHeads()).put("n_layer", c.numLayers()).putNull("n_inner")
        .put("activation_function", c.activation().hfName()).put("layer_norm_epsilon", c.layerNormEpsilon())
        .put("tie_word_embeddings", true).put("scale_attn_weights", true)
        .put("bos_token_id", tok.bos()).put("eos_token_id", tok.eos()).put("pad_token_id", tok.pad())
        .put("torch_dtype", "float32");
    if (reward) o.put("num_labels", 1);
    return o;
  }

  /** Parses and checks a config.json. */
  public static Header readConfig(Path file) throws IOException {
    if (!Files.exists(file)) throw new IllegalArgumentException(file + " is missing: a checkpoint directory needs config.json");
    JsonNode c;
    try {
      c = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid JSON", e);
    }
    return parseConfig(c, file.toString());
  }

  public static Header parseConfig(JsonNode c, String source) {
    String type = c.path("model_type").asText("");
    String arch = c.path("architectures").path(0).asText(LM);
    if (!type.equals("gpt2") || !(arch.equals(LM) || arch.equals(BARE) || arch.equals(CLASSIFIER))) {
      throw new IllegalArgumentException(source + ": architecture " + (type.isEmpty() ? "(no model_type)" : type) + "/" + arch
          + " is not supported; Juice loads GPT-2-architecture checkpoints (model_type gpt2: " + LM + ", " + BARE + ", "
          + CLASSIFIER + ")");
    }
    for (String k : List.of("vocab_size", "n_positions", "n_embd", "n_head", "n_layer")) {
      if (!c.path(k).canConvertToInt()) throw new IllegalArgumentException(source + ": " + k + " is missing or not an integer");
    }
    int d = c.get("n_embd").asInt();
    JsonNode inner = c.path("n_inner");
    if (!inner.isMissingNode() && !inner.isNull() && inner.asInt() != 4 * d) {
      throw new IllegalArgumentException(source + ": n_inner " + inner.asInt() + " is not supported (only 4 · n_embd = " + 4 * d + ")");
    }
    if (!c.path("tie_word_embeddings").asBoolean(true)) {
      throw new IllegalArgumentException(source + ": tie_word_embeddings=false is not supported (GPT-2 ties lm_head to wte)");
    }
    boolean reward = arch.equals(CLASSIFIER);
    if (reward && c.path("num_labels").asInt(1) != 1 && c.path("id2label").size() > 1) {
      throw new IllegalArgumentException(source + ": a reward model has one label, this classifier has " + c.path("id2label").size());
    }
    ModelConfig mc = new ModelConfig(c.get("vocab_size").asInt(), c.get("n_positions").asInt(), d, c.get("n_head").asInt(),
        c.get("n_layer").asInt(), ModelConfig.Activation.fromHf(c.path("activation_function").asText("gelu_new")),
        c.path("layer_norm_epsilon").asDouble(1e-5));
    return new Header(mc, reward);
  }

  /** tokenizer.json, or GPT-2's vocab.json + merges.txt converted to it. */
  public static BpeTokenizer readTokenizer(Path dir) throws IOException {
    Path json = dir.resolve(TOKENIZER);
    if (Files.exists(json)) return BpeTokenizer.read(json);
    Path vocab = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    if (Files.exists(vocab) && Files.exists(merges)) return BpeTokenizer.fromJson(Gpt2Vocabulary.tokenizerJson(vocab, merges));
    throw new IllegalArgumentException(dir + " has no tokenizer.json (nor vocab.json + merges.txt)");
  }

  public static void checkVocabulary(BpeTokenizer tok, ModelConfig c, Object where) {
    if (tok.vocabSize() > c.vocabSize()) {
      throw new IllegalArgumentException(where + ": the tokenizer has " + tok.vocabSize() + " tokens but config.json's vocab_size is "
          + c.vocabSize() + " — the tokenizer does not belong to these weights");
    }
  }

  private static Map<String, SafeTensors.Tensor> readTensors(Path dir) throws IOException {
    Path single = dir.resolve(WEIGHTS);
    if (Files.exists(single)) return SafeTensors.read(single);
    Path index = dir.resolve(INDEX);
    if (!Files.exists(index)) throw new IllegalArgumentException(dir + " has no " + WEIGHTS + " (nor " + INDEX + ")");
    JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
    TreeSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) shards.add(it.next().asText());
    if (shards.isEmpty()) throw new IllegalArgumentException(index + " lists no shards in weight_map");
    Map<String, SafeTensors.Tensor> all = new LinkedHashMap<>();
    for (String s : shards) {
      Path shard = dir.resolve(s).normalize();
      if (!shard.startsWith(dir.normalize())) throw new IllegalArgumentException(index + " names a shard outside the directory: " + s);
      all.putAll(SafeTensors.read(shard));
    }
    return all;
  }

  /**
   * Copies named tensors into the model's parameters after checking that every parameter is there
   * with its shape and nothing unexpected is left; nothing is copied unless everything fits.
   */
  public static void assign(Transformer model, Map<String, SafeTensors.Tensor> tensors, String source) {
    Map<String, SafeTensors.Tensor> byParam = new LinkedHashMap<>();
    SafeTensors.Tensor lmHead = null;
    for (Map.Entry<String, SafeTensors.Tensor> e : tensors.entrySet()) {
      String n = e.getKey();
      String p = n.startsWith("transformer.") ? n.substring("transformer.".length()) : n;
      if (p.endsWith(".attn.bias") || p.endsWith(".attn.masked_bias")) continue; // causal-mask buffers, not parameters
      if (p.equals("lm_head.weight")) {
        lmHead = e.getValue();
        continue;
      }
      if (!model.parameters().containsKey(p)) {
        throw new IllegalArgumentException(source + ": unexpected tensor " + n + " (not part of a " + model.config().numLayers()
            + "-layer " + (model instanceof RewardModel ? CLASSIFIER : LM) + ")");
      }
      byParam.put(p, e.getValue());
    }
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      SafeTensors.Tensor t = byParam.get(e.getKey());
      if (t == null) throw new IllegalArgumentException(source + " has no tensor " + hfName(e.getKey()));
      long[] want = e.getValue().getShape().getShape();
      if (!Arrays.equals(want, t.shape())) {
        throw new IllegalArgumentException(source + ": tensor " + hfName(e.getKey()) + " has shape " + Arrays.toString(t.shape())
            + ", config.json implies " + Arrays.toString(want));
      }
    }
    if (lmHead != null && !Arrays.equals(lmHead.data(), byParam.get("wte.weight").data())) {
      throw new IllegalArgumentException(source + ": lm_head.weight differs from wte.weight; only tied heads are supported");
    }
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) e.getValue().set(byParam.get(e.getKey()).data());
  }
}
