package dev.juice.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.juice.avro.Demonstration;
import dev.juice.avro.PreferenceLabel;
import dev.juice.avro.PreferencePair;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidatorTest {
  private final Validator v = new Validator("r1", new Limits(1000, 20, 40, 2));

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void validDemonstrationIsNormalisedAndHashed() {
    Validator.Result<Demonstration> r = v.demonstration(b("{\"prompt\":\"  The  food\\n\",\"response\":\"was\\tgreat .\",\"source\":\"s\",\"attributes\":{\"k\":\"v\"}}"), 42);
    assertTrue(r.isValid());
    Demonstration d = r.value();
    assertEquals("The food", d.getPrompt());
    assertEquals("was great .", d.getResponse());
    assertEquals("r1", d.getRunId());
    assertEquals("s", d.getSource());
    assertEquals("v", d.getAttributes().get("k"));
    assertEquals(64, d.getContentHash().length());
    assertEquals("d-" + d.getContentHash().substring(0, 16), d.getId());
    assertEquals(42, d.getIngestedAt().toEpochMilli());
    // same content after normalisation -> same hash; the client id wins when given
    Demonstration same = v.demonstration(b("{\"prompt\":\"The food\",\"response\":\"was great .\",\"id\":\"x-1\"}"), 1).value();
    assertEquals(d.getContentHash(), same.getContentHash());
    assertEquals("x-1", same.getId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "empty object             | {}                                                 | missing-field",
    "missing response         | {\"prompt\":\"a\"}                                 | missing-field",
    "null prompt              | {\"prompt\":null,\"response\":\"b\"}               | missing-field",
    "number prompt            | {\"prompt\":1,\"response\":\"b\"}                  | wrong-type",
    "array response           | {\"prompt\":\"a\",\"response\":[\"b\"]}            | wrong-type",
    "blank prompt             | {\"prompt\":\" \\t \",\"response\":\"b\"}          | empty-field",
    "prompt too long          | {\"prompt\":\"aaaaaaaaaaaaaaaaaaaaa\",\"response\":\"b\"} | too-long",
    "control character        | {\"prompt\":\"a\\u0000\",\"response\":\"b\"}       | control-characters",
    "unknown field            | {\"prompt\":\"a\",\"respones\":\"b\"}              | unknown-field",
    "duplicate field          | {\"prompt\":\"a\",\"prompt\":\"c\",\"response\":\"b\"} | malformed-json",
    "truncated                | {\"prompt\":\"a\",\"resp                           | malformed-json",
    "trailing garbage         | {\"prompt\":\"a\",\"response\":\"b\"} x             | malformed-json",
    "array                    | [1,2]                                              | not-an-object",
    "string                   | \"hello\"                                          | not-an-object",
    "bad id                   | {\"prompt\":\"a\",\"response\":\"b\",\"id\":\"a b\"} | bad-id",
    "attributes not strings   | {\"prompt\":\"a\",\"response\":\"b\",\"attributes\":{\"k\":1}} | bad-attributes",
    "too many attributes      | {\"prompt\":\"a\",\"response\":\"b\",\"attributes\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}} | bad-attributes",
  })
  void invalidDemonstrationsAreRejectedWithTheRule(String name, String json, String reason) {
    Validator.Result<Demonstration> r = v.demonstration(b(json), 0);
    assertFalse(r.isValid(), name);
    assertEquals(reason, r.rejection().reason(), r.rejection().message());
  }

  @Test
  void specialTokenTextIsRejectedBecauseTheTokenizerWouldReadItAsTheToken() {
    for (String json : new String[] {
        "{\"prompt\":\"a\",\"response\":\"b<|endoftext|>c\"}",
        "{\"prompt\":\"<|pad|> a\",\"response\":\"b\"}",
        "{\"prompt\":\"a\",\"response\":\"<|bos|>\"}"}) {
      Validator.Result<Demonstration> r = v.demonstration(b(json), 0);
      assertFalse(r.isValid(), json);
      assertEquals("special-token", r.rejection().reason(), r.rejection().message());
    }
    assertTrue(v.demonstration(b("{\"prompt\":\"a < b\",\"response\":\"| c |>\"}"), 0).isValid(), "ordinary brackets and bars are fine");
  }

  @Test
  void byteLevelProblems() {
    assertEquals("empty", v.demonstration(new byte[0], 0).rejection().reason());
    assertEquals("empty", v.demonstration(null, 0).rejection().reason());
    assertEquals("too-large", v.demonstration(new byte[1001], 0).rejection().reason());
    byte[] badUtf8 = {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertEquals("invalid-utf8", v.demonstration(badUtf8, 0).rejection().reason());
    assertEquals("invalid-utf8", v.demonstration(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1}, 0).rejection().reason());
  }

  @Test
  void rejectionMessagesNeverContainPayloadText() {
    String secret = "SECRETPROMPTTEXT";
    for (String json : new String[] {
        "{\"prompt\":\"" + secret + secret + "\",\"response\":\"b\"}",
        "{\"prompt\":\"" + secret + "\",\"response\":7}",
        "{\"prompt\":\"" + secret + "\",\"" + secret + "\":\"b\"}",
        "{\"prompt\":\"" + secret,
        "{\"" + secret + "\" 1}"}) {
      Rejection r = v.demonstration(b(json), 0).rejection();
      assertFalse(r.message().contains("SECRETPROMPT"), r.message());
    }
  }

  @Test
  void preferencesInBothForms() {
    PreferencePair chosen = v.preference(b("{\"prompt\":\"p\",\"chosen\":\"good\",\"rejected\":\"bad\"}"), 0).value();
    assertEquals("good", chosen.getResponseA());
    assertEquals(PreferenceLabel.A, chosen.getLabel());
    assertNull(chosen.getHiddenLabel());
    PreferencePair unl = v.preference(b("{\"prompt\":\"p\",\"response_a\":\"x\",\"response_b\":\"y\",\"hidden_label\":\"b\"}"), 0).value();
    assertNull(unl.getLabel());
    assertEquals(PreferenceLabel.B, unl.getHiddenLabel());
    PreferencePair lab = v.preference(b("{\"prompt\":\"p\",\"response_a\":\"x\",\"response_b\":\"y\",\"label\":\"B\"}"), 0).value();
    assertEquals(PreferenceLabel.B, lab.getLabel());
    assertTrue(lab.getId().startsWith("p-"));

    assertEquals("bad-label", v.preference(b("{\"prompt\":\"p\",\"response_a\":\"x\",\"response_b\":\"y\",\"label\":\"c\"}"), 0).rejection().reason());
    assertEquals("ambiguous-form", v.preference(b("{\"prompt\":\"p\",\"chosen\":\"x\",\"response_b\":\"y\"}"), 0).rejection().reason());
    assertEquals("ambiguous-form", v.preference(b("{\"prompt\":\"p\"}"), 0).rejection().reason());
    assertEquals("identical-responses", v.preference(b("{\"prompt\":\"p\",\"chosen\":\"x \",\"rejected\":\" x\"}"), 0).rejection().reason());
    assertEquals("missing-field", v.preference(b("{\"prompt\":\"p\",\"chosen\":\"x\"}"), 0).rejection().reason());
    assertEquals("unknown-field", v.preference(b("{\"prompt\":\"p\",\"chosen\":\"x\",\"rejected\":\"y\",\"label\":\"a\"}"), 0).rejection().reason());
  }
}
