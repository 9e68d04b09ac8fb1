package dev.juice.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.SchemaRegistryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryServerTest {
  private final RegistryServer server =
      new RegistryServer(new SchemaRegistry(new InMemoryRegistryStore())).start("127.0.0.1", 0);
  private final RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private record Reply(int status, JsonNode body) {}

  private Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()));
  }

  private static String schemaBody(String schema) {
    return Json.mapper().createObjectNode().put("schema", schema).toString();
  }

  @Test
  void registerLookupAndFetchThroughTheClient() {
    Schema v1 = new Schema.Parser().parse(Schemas.V1);
    int id = client.register("reviews-value", v1);
    assertEquals(v1, client.byId(id));
    assertEquals(id, client.lookup("reviews-value", v1).id());
    assertEquals(List.of("reviews-value"), client.subjects());
    assertEquals(List.of(1), client.versions("reviews-value"));
    assertEquals(1, client.latest("reviews-value").version());
    assertTrue(client.isCompatible("reviews-value", new Schema.Parser().parse(Schemas.V2_ADD_DEFAULT)));
    assertFalse(client.isCompatible("reviews-value", new Schema.Parser().parse(Schemas.V2_TYPE_CHANGE)));
    assertEquals("BACKWARD", client.compatibility());
    client.setCompatibility(null, "FULL_TRANSITIVE");
    assertEquals("FULL_TRANSITIVE", client.compatibility());
  }

  @Test
  void errorsUseConfluentsBodies() throws Exception {
    Reply missing = call("GET", "/subjects/nope/versions", null);
    assertEquals(404, missing.status());
    assertEquals(40401, missing.body().get("error_code").asInt());
    assertTrue(missing.body().get("message").asText().contains("nope"));

    assertEquals(40403, call("GET", "/schemas/ids/42", null).body().get("error_code").asInt());
    Reply bad = call("POST", "/subjects/s/versions", schemaBody("{\"type\":\"nonsense\"}"));
    assertEquals(422, bad.status());
    assertEquals(42201, bad.body().get("error_code").asInt());
    assertEquals(422, call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}").status());
    assertEquals(42203, call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}").body().get("error_code").asInt());
    assertEquals(400, call("POST", "/subjects/s/versions", "not json").status());
    Reply noRoute = call("GET", "/no/such/route", null);
    assertEquals(404, noRoute.status());
    assertEquals(404, noRoute.body().get("error_code").asInt());

    call("POST", "/subjects/s/versions", schemaBody(Schemas.V1));
    Reply conflict = call("POST", "/subjects/s/versions", schemaBody(Schemas.V2_TYPE_CHANGE));
    assertEquals(409, conflict.status());
    assertEquals(409, conflict.body().get("error_code").asInt());

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> client.register("s", new Schema.Parser().parse(Schemas.V2_TYPE_CHANGE)));
    assertEquals(409, e.errorCode());
    assertEquals(42202, call("GET", "/subjects/s/versions/0", null).body().get("error_code").asInt());
  }

  @Test
  void configAndCompatibilityEndpoints() throws Exception {
    assertEquals("BACKWARD", call("GET", "/config", null).body().get("compatibilityLevel").asText());
    assertEquals(40408, call("GET", "/config/s", null).body().get("error_code").asInt());
    assertEquals("BACKWARD", call("GET", "/config/s?defaultToGlobal=true", null).body().get("compatibilityLevel").asText());
    assertEquals("FORWARD", call("PUT", "/config/s", "{\"compatibility\":\"FORWARD\"}").body().get("compatibility").asText());
    assertEquals("FORWARD", call("GET", "/config/s", null).body().get("compatibilityLevel").asText());

    call("POST", "/subjects/s/versions", schemaBody(Schemas.V1));
    Reply ok = call("POST", "/compatibility/subjects/s/versions/latest", schemaBody(Schemas.V2_ADD_REQUIRED));
    assertTrue(ok.body().get("is_compatible").asBoolean());
    Reply no = call("POST", "/compatibility/subjects/s/versions/latest?verbose=true", schemaBody(Schemas.V2_TYPE_CHANGE));
    assertFalse(no.body().get("is_compatible").asBoolean());
    assertFalse(no.body().get("messages").isEmpty());
    assertTrue(call("POST", "/compatibility/subjects/s/versions", schemaBody(Schemas.V2_ADD_DEFAULT)).body().get("is_compatible").asBoolean());

    Reply v = call("GET", "/subjects/s/versions/latest", null);
    assertEquals(1, v.body().get("version").asInt());
    assertEquals("s", v.body().get("subject").asText());
    int id = v.body().get("id").asInt();
    JsonNode where = call("GET", "/schemas/ids/" + id + "/versions", null).body();
    assertEquals("s", where.get(0).get("subject").asText());
    assertEquals(1, call("DELETE", "/subjects/s/versions/1", null).body().asInt());
    assertEquals(40401, call("GET", "/subjects/s/versions", null).body().get("error_code").asInt());
    assertEquals("[1]", call("GET", "/subjects/s/versions?deleted=true", null).body().toString());
  }
}
