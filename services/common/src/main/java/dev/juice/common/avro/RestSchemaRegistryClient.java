package dev.juice.common.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API over {@link HttpClient}. Works against Juice's own
 * registry, Confluent's, and Apicurio's {@code /apis/ccompat/v7}. Ids and schemas are cached: a schema
 * id never changes meaning, so a cache entry never goes stale.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public RestSchemaRegistryClient(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(30));
  }

  public RestSchemaRegistryClient(String baseUrl, Duration timeout) {
    String u = baseUrl.trim();
    this.baseUrl = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) return cached;
    JsonNode r = send("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
    int id = r.get("id").asInt();
    remember(subject, schema, id);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    JsonNode r = send("POST", "/subjects/" + enc(subject), schemaBody(schema));
    int id = r.get("id").asInt();
    remember(subject, schema, id);
    return new RegisteredSchema(subject, id, r.path("version").asInt(), schema);
  }

  @Override
  public Schema byId(int id) {
    Schema s = schemasById.get(id);
    if (s != null) return s;
    JsonNode r = send("GET", "/schemas/ids/" + id, null);
    Schema parsed = new Schema.Parser().parse(r.get("schema").asText());
    schemasById.putIfAbsent(id, parsed);
    return parsed;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode r = send("GET", "/subjects/" + enc(subject) + "/versions/latest", null);
    Schema schema = new Schema.Parser().parse(r.get("schema").asText());
    int id = r.get("id").asInt();
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(subject, id, r.get("version").asInt(), schema);
  }

  @Override
  public List<String> subjects() {
    List<String> out = new ArrayList<>();
    send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
    return out;
  }

  @Override
  public List<Integer> versions(String subject) {
    List<Integer> out = new ArrayList<>();
    send("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
    return out;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    JsonNode r =
        send("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest", schemaBody(schema));
    return r.path("is_compatible").asBoolean(false);
  }

  @Override
  public String compatibility() {
    JsonNode r = send("GET", "/config", null);
    return r.has("compatibilityLevel") ? r.get("compatibilityLevel").asText() : r.path("compatibility").asText();
  }

  @Override
  public void setCompatibility(String subject, String level) {
    ObjectNode body = Json.mapper().createObjectNode().put("compatibility", level);
    send("PUT", subject == null ? "/config" : "/config/" + enc(subject), body.toString());
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, k -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private static String schemaBody(Schema schema) {
    return Json.mapper().createObjectNode().put("schema", schema.toString()).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (body != null) {
      b.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SchemaRegistryException("schema registry at " + baseUrl + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while calling the schema registry", e);
    }
    JsonNode json;
    try {
      json = resp.body().isEmpty() ? Json.mapper().nullNode() : Json.mapper().readTree(resp.body());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry answered HTTP " + resp.statusCode() + " with a body that is not JSON", e);
    }
    if (resp.statusCode() >= 300) {
      int code = json.path("error_code").asInt(resp.statusCode());
      String msg = json.path("message").asText("HTTP " + resp.statusCode() + " from " + method + " " + path);
      throw new SchemaRegistryException(resp.statusCode(), code, msg);
    }
    return json;
  }
}
