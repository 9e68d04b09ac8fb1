package dev.juice.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.juice.avro.Demonstration;
import dev.juice.common.avro.AvroSerde;
import dev.juice.common.avro.RestSchemaRegistryClient;
import dev.juice.common.avro.WireFormat;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Juice's serde against Confluent's own Schema Registry image. Runs where a Docker engine exists;
 * skipped cleanly elsewhere (these machines have none).
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentRegistryContainerIT {
  static final Network NET = Network.newNetwork();

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1")
      .withNetwork(NET).withNetworkAliases("kafka")
      .withListener("kafka:19092");

  @Container
  static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.1")
      .withNetwork(NET)
      .dependsOn(KAFKA)
      .withExposedPorts(8081)
      .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
      .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
      .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
      .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  @Test
  void ourSerdeRoundTripsThroughConfluentsRegistry() {
    String url = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);
    Demonstration d = ApicurioInteropIT.demo("d-cp");
    byte[] bytes = AvroSerde.forValues(client, Demonstration.class).serializer().serialize("cp", d);
    assertEquals(client.latest("cp-value").id(), WireFormat.schemaId(bytes));
    assertEquals(d, AvroSerde.forValues(new RestSchemaRegistryClient(url), Demonstration.class).deserializer().deserialize("cp", bytes));
  }
}
