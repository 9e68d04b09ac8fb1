package dev.juice.common.ops;

import dev.juice.common.Json;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's operations endpoints (Javalin): {@code GET /health} — readiness, 200 when ready and 503
 * otherwise, with the details as JSON (broker connection, loaded model versions); {@code GET
 * /health/live} — liveness, 503 once the service's worker stopped; {@code GET /metrics} — Prometheus
 * text from a Micrometer registry that joins {@link Metrics#globalRegistry}, so every meter a service
 * registers there (worker throughput, Kafka client metrics such as consumer lag, model versions,
 * losses, staleness, weight-switch latency) is scraped, together with JVM and process metrics.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  /** What {@code /health} reports: liveness, readiness and why. */
  public record Health(boolean live, boolean ready, Map<String, Object> details) {
    public static Health of(boolean live, boolean ready, Map<String, Object> details) {
      return new Health(live, ready, details);
    }
  }

  private static PrometheusMeterRegistry prometheus;

  private final Javalin app;

  private OpsServer(Javalin app) {
    this.app = app;
  }

  /**
   * Joins the process's Prometheus registry to Micrometer's global one. A service's {@code main}
   * calls it first, so meters its constructor registers record from the start.
   */
  public static synchronized PrometheusMeterRegistry install() {
    if (prometheus == null) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(prometheus);
      new JvmGcMetrics().bindTo(prometheus);
      new JvmThreadMetrics().bindTo(prometheus);
      new ProcessorMetrics().bindTo(prometheus);
      new UptimeMetrics().bindTo(prometheus);
      Metrics.addRegistry(prometheus);
    }
    return prometheus;
  }

  /**
   * Serves the endpoints on {@code port} (0 = any free port).
   *
   * @param service name reported by {@code /health}
   */
  public static OpsServer start(String service, int port, Supplier<Health> health) {
    PrometheusMeterRegistry prom = install();
    Javalin app = Javalin.create(c -> c.showJavalinBanner = false)
        .get("/health", ctx -> {
          Health h = health.get();
          ctx.status(h.ready() ? 200 : 503).contentType("application/json").result(body(service, h, h.ready()));
        })
        .get("/health/live", ctx -> {
          Health h = health.get();
          ctx.status(h.live() ? 200 : 503).contentType("application/json").result(body(service, h, h.live()));
        })
        .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prom.scrape()))
        .start(port);
    log.info("{}: /health, /health/live and /metrics on port {}", service, app.port());
    return new OpsServer(app);
  }

  private static String body(String service, Health h, boolean up) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("status", up ? "UP" : "DOWN");
    m.put("live", h.live());
    m.put("ready", h.ready());
    m.putAll(h.details());
    try {
      return Json.mapper().writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the endpoints on {@code JUICE_HTTP_PORT} (default 8080; 0 = any free port; a negative
   * value = no endpoints), as a service's {@code main} does.
   */
  public static OpsServer fromEnv(String service, Map<String, String> env, Supplier<Health> health) {
    int port = Integer.parseInt(env.getOrDefault("JUICE_HTTP_PORT", "8080").trim());
    return port < 0 ? null : start(service, port, health);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
