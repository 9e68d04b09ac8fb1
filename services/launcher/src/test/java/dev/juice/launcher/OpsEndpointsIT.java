package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.juice.avro.ModelKind;
import dev.juice.common.Json;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.ops.OpsServer;
import dev.juice.common.weights.WeightPublisher;
import dev.juice.model.text.BpeTrainer;
import dev.juice.model.Engines;
import dev.juice.model.ModelConfig;
import dev.juice.model.PolicyModel;
import dev.juice.model.WeightsCodec;
import dev.juice.pipeline.WorkerSettings;
import dev.juice.sampler.SamplerConfig;
import dev.juice.sampler.SamplerService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A running sampler's /health, /health/live and /metrics, scraped over HTTP as Kubernetes and Prometheus would. */
class OpsEndpointsIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void samplerIsLiveAtOnceReadyWithAModelAndExposesItsMeters() throws Exception {
    try (LocalStack stack = LocalStack.start(null, 0, 0, "ops", 2)) {
      SamplerService sampler = SamplerService.start(new SamplerConfig("ops", stack.settings(),
          new WorkerSettings("ops-probe", 64, Duration.ofMinutes(1), false, 1), 64));
      try (OpsServer ops = OpsServer.start("sampler", 0, sampler::health)) {
        HttpResponse<String> live = get(ops.port(), "/health/live");
        assertEquals(200, live.statusCode(), live.body());
        HttpResponse<String> notReady = get(ops.port(), "/health");
        assertEquals(503, notReady.statusCode(), "no policy version yet: " + notReady.body());
        assertEquals(-1, Json.mapper().readTree(notReady.body()).get("policyVersionAvailable").asLong());

        Engines.pytorch(1);
        try (NDManager root = Engines.newManager();
             PolicyModel p = new PolicyModel(ModelConfig.tiny(BpeTrainer.train(List.of("abc"), 260).tokenizer().vocabSize()),
                 BpeTrainer.train(List.of("abc"), 260).tokenizer(), root, 1);
             WeightPublisher w = new WeightPublisher(stack.clientProps(), new RestSchemaRegistryClient(stack.settings().registryUrl()),
                 stack.topics().names().weights(), "ops", "ops-test")) {
          w.publish(new WeightPublisher.Version("policy", ModelKind.POLICY, 1, null, 0, "sft", Map.of()), WeightsCodec.encode(p));
        }
        HttpResponse<String> ready = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
          ready = get(ops.port(), "/health");
          if (ready.statusCode() == 200) break;
          Thread.sleep(200);
        }
        assertEquals(200, ready.statusCode(), ready.body());
        var body = Json.mapper().readTree(ready.body());
        assertEquals("UP", body.get("status").asText());
        assertTrue(body.get("connected").asBoolean());
        assertEquals(1, body.get("policyVersionAvailable").asLong());

        HttpResponse<String> metrics = get(ops.port(), "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        for (String m : List.of("juice_worker_records_total", "juice_worker_batch_seconds", "juice_model_loaded_version",
            "juice_weights_switch_seconds", "kafka_consumer_fetch_manager_records_lag_max", "kafka_consumer_connection_count",
            "jvm_memory_used_bytes", "process_uptime_seconds")) {
          assertTrue(metrics.body().contains(m), m + " in\n" + metrics.body().substring(0, Math.min(3000, metrics.body().length())));
        }
        assertTrue(metrics.body().contains("worker=\"sampler-ops-probe\""), "meters carry the worker");
      } finally {
        sampler.close();
      }
      sampler.await();
      assertTrue(!sampler.health().live(), "not live once its loop stopped");
    }
  }
}
