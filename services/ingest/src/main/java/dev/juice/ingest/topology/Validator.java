package dev.juice.ingest.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.juice.avro.Demonstration;
import dev.juice.avro.PreferenceLabel;
import dev.juice.avro.PreferencePair;
import dev.juice.common.Hashing;
import dev.juice.common.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns raw JSON bytes into a validated {@link Demonstration} or {@link PreferencePair}, or a
 * {@link Rejection}. Pure: no Kafka, no I/O, no logging.
 *
 * <p>Demonstration JSON: {@code {"prompt": str, "response": str, "id"?: str, "source"?: str,
 * "attributes"?: {str: str}}}.
 *
 * <p>Preference JSON, either {@code {"prompt", "chosen", "rejected"}} (a labelled pair: chosen ≻
 * rejected) or {@code {"prompt", "response_a", "response_b", "label"?: "a"|"b"|null,
 * "hidden_label"?: "a"|"b"|null}} (label null = unlabelled); plus the optional id, source, attributes.
 *
 * <p>Rules: UTF-8 only, a JSON object with no unknown or duplicate fields, the required fields present
 * as strings, non-empty after whitespace normalisation (runs of white space → one space, trimmed), no
 * control characters, no special-token text ({@code <|endoftext|>}, {@code <|pad|>}, {@code <|bos|>}:
 * the tokenizer would read it as the token), within {@link Limits}.
 */
public final class Validator {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  /** Text the tokenizers read as special tokens (Juice's and GPT-2's), never allowed in user text. */
  static final java.util.List<String> SPECIAL_TOKENS = java.util.List.of("<|endoftext|>", "<|pad|>", "<|bos|>");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
  private static final Set<String> DEMO_FIELDS = Set.of("prompt", "response", "id", "source", "attributes");
  private static final Set<String> PREF_FIELDS = Set.of("prompt", "chosen", "rejected", "response_a", "response_b",
      "label", "hidden_label", "id", "source", "attributes");

  /** Either a value or a rejection. */
  public record Result<T>(T value, Rejection rejection) {
    static <T> Result<T> ok(T v) {
      return new Result<>(v, null);
    }

    static <T> Result<T> rejected(Rejection r) {
      return new Result<>(null, r);
    }

    public boolean isValid() {
      return value != null;
    }
  }

  private static final class Invalid extends RuntimeException {
    final Rejection rejection;

    Invalid(String reason, String message) {
      super(message, null, false, false);
      this.rejection = Rejection.of(reason, message);
    }
  }

  private final String runId;
  private final Limits limits;

  public Validator(String runId, Limits limits) {
    this.runId = runId;
    this.limits = limits;
  }

  public Result<Demonstration> demonstration(byte[] raw, long timestampMs) {
    try {
      JsonNode n = parse(raw, DEMO_FIELDS);
      String prompt = text(n, "prompt", limits.maxPromptChars());
      String response = text(n, "response", limits.maxResponseChars());
      String hash = Hashing.sha256OfParts(prompt, response);
      return Result.ok(Demonstration.newBuilder()
          .setId(id(n, "d-", hash)).setRunId(runId).setPrompt(prompt).setResponse(response)
          .setContentHash(hash).setSource(source(n)).setIngestedAt(Instant.ofEpochMilli(timestampMs))
          .setAttributes(attributes(n)).build());
    } catch (Invalid e) {
      return Result.rejected(e.rejection);
    }
  }

  public Result<PreferencePair> preference(byte[] raw, long timestampMs) {
    try {
      JsonNode n = parse(raw, PREF_FIELDS);
      String prompt = text(n, "prompt", limits.maxPromptChars());
      boolean chosenForm = n.has("chosen") || n.has("rejected");
      boolean abForm = n.has("response_a") || n.has("response_b");
      if (chosenForm == abForm) {
        throw new Invalid("ambiguous-form",
            "a preference needs either 'chosen'+'rejected' or 'response_a'+'response_b' (exactly one form)");
      }
      String a;
      String b;
      PreferenceLabel label;
      PreferenceLabel hidden = null;
      if (chosenForm) {
        if (n.has("label") || n.has("hidden_label")) {
          throw new Invalid("unknown-field", "'label'/'hidden_label' go with 'response_a'/'response_b', not 'chosen'/'rejected'");
        }
        a = text(n, "chosen", limits.maxResponseChars());
        b = text(n, "rejected", limits.maxResponseChars());
        label = PreferenceLabel.A;
      } else {
        a = text(n, "response_a", limits.maxResponseChars());
        b = text(n, "response_b", limits.maxResponseChars());
        label = label(n, "label");
        hidden = label(n, "hidden_label");
      }
      if (a.equals(b)) throw new Invalid("identical-responses", "the two responses are identical");
      String hash = Hashing.sha256OfParts(prompt, a, b);
      return Result.ok(PreferencePair.newBuilder()
          .setId(id(n, "p-", hash)).setRunId(runId).setPrompt(prompt).setResponseA(a).setResponseB(b)
          .setLabel(label).setHiddenLabel(hidden).setContentHash(hash).setSource(source(n))
          .setIngestedAt(Instant.ofEpochMilli(timestampMs)).setAttributes(attributes(n)).build());
    } catch (Invalid e) {
      return Result.rejected(e.rejection);
    }
  }

  private JsonNode parse(byte[] raw, Set<String> allowed) {
    if (raw == null || raw.length == 0) throw new Invalid("empty", "the record is empty");
    if (raw.length > limits.maxRecordBytes()) {
      throw new Invalid("too-large", "the record has " + raw.length + " bytes; the limit is " + limits.maxRecordBytes());
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new Invalid("invalid-utf8", "the record is not valid UTF-8");
    }
    JsonNode n;
    try {
      n = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      String what = e.getOriginalMessage();
      // Jackson quotes offending tokens; keep only the location, never the content
      throw new Invalid("malformed-json", "malformed JSON at line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
          + " column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
          + (what != null && what.startsWith("Duplicate field") ? " (duplicate field)" : ""));
    }
    if (n == null || !n.isObject()) throw new Invalid("not-an-object", "the record is not a JSON object");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        // the name itself is client data and is not echoed
        throw new Invalid("unknown-field", "the record has a field that is not one of " + new java.util.TreeSet<>(allowed));
      }
    }
    return n;
  }

  private static String text(JsonNode n, String field, int maxChars) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) throw new Invalid("missing-field", "required field '" + field + "' is missing");
    if (!v.isTextual()) {
      throw new Invalid("wrong-type", "field '" + field + "' must be a string, not " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    String rawText = v.asText();
    // checked before normalisation: trim() would silently drop control characters at the edges
    if (rawText.chars().anyMatch(c -> (Character.isISOControl(c) && !Character.isWhitespace(c)) || c == '\uFFFD')) {
      throw new Invalid("control-characters", "field '" + field + "' contains control or replacement characters");
    }
    for (String special : SPECIAL_TOKENS) {
      if (rawText.contains(special)) {
        // the tokenizer maps the literal text to the special id: a response could end itself early or forge a pad
        throw new Invalid("special-token", "field '" + field + "' contains the reserved token text " + special);
      }
    }
    String s = WHITESPACE.matcher(rawText).replaceAll(" ").trim();
    if (s.isEmpty()) throw new Invalid("empty-field", "field '" + field + "' is empty");
    int len = s.codePointCount(0, s.length());
    if (len > maxChars) {
      throw new Invalid("too-long", "field '" + field + "' has " + len + " characters; the limit is " + maxChars);
    }
    return s;
  }

  private static String id(JsonNode n, String prefix, String hash) {
    JsonNode v = n.get("id");
    if (v == null || v.isNull()) return prefix + hash.substring(0, 16);
    if (!v.isTextual() || !ID.matcher(v.asText()).matches()) {
      throw new Invalid("bad-id", "field 'id' must be 1-128 characters of [A-Za-z0-9._:/-]");
    }
    return v.asText();
  }

  private static String source(JsonNode n) {
    JsonNode v = n.get("source");
    if (v == null || v.isNull()) return "";
    if (!v.isTextual() || v.asText().length() > 256) throw new Invalid("bad-source", "field 'source' must be a string of at most 256 characters");
    return v.asText();
  }

  private Map<String, String> attributes(JsonNode n) {
    JsonNode v = n.get("attributes");
    Map<String, String> out = new TreeMap<>();
    if (v == null || v.isNull()) return out;
    if (!v.isObject()) throw new Invalid("bad-attributes", "field 'attributes' must be an object of strings");
    if (v.size() > limits.maxAttributes()) {
      throw new Invalid("bad-attributes", "field 'attributes' has " + v.size() + " entries; the limit is " + limits.maxAttributes());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual() || e.getKey().length() > 128 || e.getValue().asText().length() > 1024) {
        throw new Invalid("bad-attributes", "attribute values must be strings (keys ≤ 128, values ≤ 1024 characters)");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static PreferenceLabel label(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isTextual()) {
      switch (v.asText().toLowerCase(Locale.ROOT)) {
        case "a": return PreferenceLabel.A;
        case "b": return PreferenceLabel.B;
        default: break;
      }
    }
    throw new Invalid("bad-label", "field '" + field + "' must be \"a\", \"b\" or null");
  }
}
