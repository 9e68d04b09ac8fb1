package dev.juice.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.juice.datasets.EnglishCorpus;
import dev.juice.datasets.Sentence;
import dev.juice.datasets.UciSentiment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two tokenizers nobody on the team wrote must agree through Juice's loader: GPT-2's own vocabulary
 * files (OpenAI's encoder.json + vocab.bpe) converted by {@link Gpt2Vocabulary} and run by the Hugging
 * Face library, and jtokkit's bundled r50k_base (the same vocabulary, an independent implementation).
 */
class Gpt2TokenizerParityTest {
  @Test
  void juicesGpt2TokenizerEncodesACorpusExactlyAsJtokkitsR50kBase() throws Exception {
    byte[] encoder;
    String merges;
    try (InputStream e = getClass().getResourceAsStream("/dev/juice/model/gpt2/encoder.json");
         InputStream m = getClass().getResourceAsStream("/dev/juice/model/gpt2/vocab.bpe")) {
      encoder = e.readAllBytes();
      merges = new String(m.readAllBytes(), StandardCharsets.UTF_8);
    }
    BpeTokenizer juice = BpeTokenizer.fromJson(Gpt2Vocabulary.tokenizerJson(encoder, merges));
    Encoding r50k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    assertEquals(50257, juice.vocabSize());
    assertEquals(50256, juice.eos());
    assertEquals(50256, juice.bos(), "GPT-2 has one special token for BOS and EOS");

    List<String> texts = new ArrayList<>();
    for (Sentence s : UciSentiment.bundledUnique()) texts.add(s.text());
    List<String> moby = EnglishCorpus.sentences("moby-dick.txt.gz");
    texts.addAll(moby.subList(0, 2000));
    texts.add("Unicode: naïve café — 東京 😀, numbers 1234567 and   spaces\t\ttabs\n\nnewlines, it's 'quoted' we'll");
    long tokens = 0;
    for (String t : texts) {
      IntArrayList ref = r50k.encodeOrdinary(t);
      int[] want = new int[ref.size()];
      for (int i = 0; i < want.length; i++) want[i] = ref.get(i);
      int[] got = juice.encode(t);
      assertArrayEquals(want, got, () -> "texts differ in tokens (text of " + t.length() + " characters)");
      assertEquals(t, juice.decode(got));
      tokens += got.length;
    }
    assertTrue(tokens > 50_000, "a corpus, not a few words: " + tokens);
  }
}
