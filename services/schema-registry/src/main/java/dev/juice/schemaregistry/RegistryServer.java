package dev.juice.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.juice.common.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP front of {@link SchemaRegistry}: the subset of the Confluent Schema Registry REST API that
 * serializers and tools use — register, lookup, schema by id, subjects, versions, latest, delete,
 * global and per-subject config, compatibility checks — with Confluent's JSON shapes and error bodies
 * ({@code {"error_code":…,"message":…}}). Only AVRO schemas are accepted.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String HANDLED = "juice.error.handled";

  private final SchemaRegistry registry;
  private final Javalin app;

  public RegistryServer(SchemaRegistry registry) {
    this.registry = registry;
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.defaultContentType = CONTENT_TYPE;
      cfg.useVirtualThreads = false;
    });
    routes();
  }

  /** Starts on host:port (port 0 = a free one). */
  public RegistryServer start(String host, int port) {
    app.start(host, port);
    log.info("schema registry listening on {}", url());
    return this;
  }

  public int port() {
    return app.port();
  }

  /** Base URL for clients on this machine. */
  public String url() {
    return "http://localhost:" + app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private void routes() {
    app.get("/", ctx -> json(ctx, Json.mapper().createObjectNode()));
    app.get("/schemas/types", ctx -> json(ctx, Json.mapper().createArrayNode().add("AVRO")));

    app.get("/subjects", ctx -> json(ctx, array(registry.subjects(flag(ctx, "deleted")))));
    app.post("/subjects/{subject}", ctx -> {
      SchemaRegistry.Version v = registry.lookup(ctx.pathParam("subject"), schemaOf(ctx), flag(ctx, "deleted"));
      json(ctx, versionNode(v));
    });
    app.delete("/subjects/{subject}", ctx ->
        json(ctx, array(registry.deleteSubject(ctx.pathParam("subject"), flag(ctx, "permanent")))));
    app.get("/subjects/{subject}/versions", ctx ->
        json(ctx, array(registry.versions(ctx.pathParam("subject"), flag(ctx, "deleted")))));
    app.post("/subjects/{subject}/versions", ctx -> {
      int id = registry.register(ctx.pathParam("subject"), schemaOf(ctx));
      json(ctx, Json.mapper().createObjectNode().put("id", id));
    });
    app.get("/subjects/{subject}/versions/{version}", ctx ->
        json(ctx, versionNode(registry.version(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted")))));
    app.get("/subjects/{subject}/versions/{version}/schema", ctx ->
        ctx.contentType(CONTENT_TYPE).result(
            registry.version(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted")).schema()));
    app.delete("/subjects/{subject}/versions/{version}", ctx ->
        json(ctx, Json.mapper().getNodeFactory().numberNode(
            registry.deleteVersion(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "permanent")))));

    app.get("/schemas/ids/{id}", ctx ->
        json(ctx, Json.mapper().createObjectNode().put("schema", registry.schemaById(id(ctx)))));
    app.get("/schemas/ids/{id}/schema", ctx ->
        ctx.contentType(CONTENT_TYPE).result(registry.schemaById(id(ctx))));
    app.get("/schemas/ids/{id}/versions", ctx -> {
      ArrayNode out = Json.mapper().createArrayNode();
      registry.versionsOfId(id(ctx)).forEach(v -> out.addObject().put("subject", v.subject()).put("version", v.version()));
      json(ctx, out);
    });
    app.get("/schemas/ids/{id}/subjects", ctx -> {
      ArrayNode out = Json.mapper().createArrayNode();
      registry.versionsOfId(id(ctx)).stream().map(SchemaRegistry.Version::subject).distinct().forEach(out::add);
      json(ctx, out);
    });

    app.get("/config", ctx -> json(ctx, level(registry.globalCompatibility())));
    app.put("/config", ctx -> json(ctx, levelSet(registry.setCompatibility(null, levelOf(ctx)))));
    app.delete("/config", ctx -> json(ctx, level(registry.deleteCompatibility(null))));
    app.get("/config/{subject}", ctx -> {
      String subject = ctx.pathParam("subject");
      CompatibilityLevel own = registry.subjectCompatibility(subject);
      if (own == null && !flag(ctx, "defaultToGlobal")) {
        throw new RegistryError(404, RegistryError.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
            "Subject '" + subject + "' does not have subject-level compatibility configured");
      }
      json(ctx, level(own == null ? registry.globalCompatibility() : own));
    });
    app.put("/config/{subject}", ctx -> json(ctx, levelSet(registry.setCompatibility(ctx.pathParam("subject"), levelOf(ctx)))));
    app.delete("/config/{subject}", ctx -> json(ctx, level(registry.deleteCompatibility(ctx.pathParam("subject")))));

    app.post("/compatibility/subjects/{subject}/versions/{version}", ctx ->
        json(ctx, compat(ctx, registry.testCompatibility(ctx.pathParam("subject"), ctx.pathParam("version"), schemaOf(ctx)))));
    app.post("/compatibility/subjects/{subject}/versions", ctx ->
        json(ctx, compat(ctx, registry.testCompatibility(ctx.pathParam("subject"), null, schemaOf(ctx)))));

    app.exception(RegistryError.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(), e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("registry request {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, 500, 50001, "Internal error: " + e.getClass().getSimpleName());
    });
    app.error(404, ctx -> {
      if (ctx.attribute(HANDLED) == null) error(ctx, 404, 404, "HTTP 404 Not Found");
    });
    app.error(405, ctx -> {
      if (ctx.attribute(HANDLED) == null) error(ctx, 405, 405, "HTTP 405 Method Not Allowed");
    });
  }

  private static void error(Context ctx, int status, int code, String message) {
    ctx.attribute(HANDLED, true);
    ctx.status(status).contentType(CONTENT_TYPE)
        .result(Json.mapper().createObjectNode().put("error_code", code).put("message", message).toString());
  }

  private static void json(Context ctx, JsonNode node) {
    ctx.contentType(CONTENT_TYPE).result(node.toString());
  }

  private static boolean flag(Context ctx, String name) {
    return Boolean.parseBoolean(ctx.queryParam(name));
  }

  private static int id(Context ctx) {
    try {
      return Integer.parseInt(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw RegistryError.schemaNotFound("id " + ctx.pathParam("id"));
    }
  }

  private static JsonNode body(Context ctx) {
    try {
      String b = ctx.body();
      JsonNode n = b.isBlank() ? null : Json.mapper().readTree(b);
      if (n == null || !n.isObject()) throw new RegistryError(400, 400, "Request body must be a JSON object");
      return n;
    } catch (IOException e) {
      throw new RegistryError(400, 400, "Unrecognized request body: not valid JSON");
    }
  }

  private static String schemaOf(Context ctx) {
    JsonNode b = body(ctx);
    String type = b.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) throw RegistryError.invalidSchema("schema type " + type + " is not supported; only AVRO");
    if (b.path("references").isArray() && !b.path("references").isEmpty()) {
      throw RegistryError.invalidSchema("schema references are not supported");
    }
    if (!b.path("schema").isTextual()) throw RegistryError.invalidSchema("field 'schema' (a string) is missing");
    return b.get("schema").asText();
  }

  private static String levelOf(Context ctx) {
    JsonNode b = body(ctx);
    JsonNode c = b.has("compatibility") ? b.get("compatibility") : b.get("compatibilityLevel");
    return c == null ? null : c.asText();
  }

  private static ObjectNode level(CompatibilityLevel l) {
    return Json.mapper().createObjectNode().put("compatibilityLevel", l.name());
  }

  private static ObjectNode levelSet(CompatibilityLevel l) {
    return Json.mapper().createObjectNode().put("compatibility", l.name());
  }

  private static ObjectNode compat(Context ctx, List<String> problems) {
    ObjectNode n = Json.mapper().createObjectNode().put("is_compatible", problems.isEmpty());
    if (flag(ctx, "verbose")) {
      ArrayNode m = n.putArray("messages");
      problems.forEach(m::add);
    }
    return n;
  }

  private static ObjectNode versionNode(SchemaRegistry.Version v) {
    return Json.mapper().createObjectNode()
        .put("subject", v.subject()).put("version", v.version()).put("id", v.id()).put("schema", v.schema());
  }

  private static ArrayNode array(List<?> values) {
    ArrayNode a = Json.mapper().createArrayNode();
    values.forEach(v -> {
      if (v instanceof Integer i) a.add(i);
      else a.add(String.valueOf(v));
    });
    return a;
  }
}
