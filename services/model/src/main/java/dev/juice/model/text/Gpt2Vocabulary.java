package dev.juice.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Converts OpenAI's original GPT-2 vocabulary files ({@code encoder.json}: token → id, {@code
 * vocab.bpe}: merges in rank order) into a Hugging Face {@code tokenizer.json} with GPT-2's settings
 * (byte-level pre-tokenizer and decoder, {@code <|endoftext|>} as the one special token), so a GPT-2
 * checkpoint that ships only those two files can be loaded.
 */
public final class Gpt2Vocabulary {
  private Gpt2Vocabulary() {}

  public static byte[] tokenizerJson(Path encoderJson, Path vocabBpe) throws IOException {
    return tokenizerJson(Files.readAllBytes(encoderJson), Files.readString(vocabBpe, StandardCharsets.UTF_8));
  }

  public static byte[] tokenizerJson(byte[] encoderJson, String vocabBpe) throws IOException {
    ObjectMapper m = new ObjectMapper();
    JsonNode encoder = m.readTree(encoderJson);
    if (!encoder.isObject() || encoder.size() == 0) throw new IllegalArgumentException("encoder.json is not a token → id object");
    JsonNode eos = encoder.get(BpeTokenizer.EOS_TOKEN);
    if (eos == null) throw new IllegalArgumentException("encoder.json has no " + BpeTokenizer.EOS_TOKEN);
    ObjectNode root = ByteLevel.tokenizerJson(m, Map.of(eos.asInt(), BpeTokenizer.EOS_TOKEN));
    ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
    for (Iterator<Map.Entry<String, JsonNode>> it = encoder.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    ArrayNode merges = (ArrayNode) root.path("model").path("merges");
    for (String line : vocabBpe.split("\n")) {
      if (line.startsWith("#version") || line.isBlank()) continue;
      String[] p = line.trim().split(" ");
      if (p.length != 2) throw new IllegalArgumentException("vocab.bpe line is not a merge: " + line.length() + " characters");
      merges.add(p[0] + " " + p[1]);
    }
    return m.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
  }
}
