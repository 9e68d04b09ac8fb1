package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The images, built from the Dockerfile and run — only where a Docker engine exists (skipped
 * otherwise; ContainerDefinitionsTest checks the definitions everywhere): the CLI image prints the
 * topic layout, and a service image loads libtorch offline from its pre-extracted copy as the
 * non-root user.
 */
@Testcontainers(disabledWithoutDocker = true)
class ServiceImagesContainerIT {
  static final Path ROOT = ContainerDefinitionsTest.ROOT;

  static ImageFromDockerfile image(String target) {
    return new ImageFromDockerfile("juice/" + target + "-test", false)
        .withFileFromPath(".", ROOT)
        .withTarget(target);
  }

  @Test
  void cliImagePrintsTheTopicLayout() {
    try (GenericContainer<?> c = new GenericContainer<>(image("juice")).withCommand("topics", "--dry-run", "--run", "main")
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
      c.start();
      assertTrue(c.getLogs().contains("juice.main.weights"), c.getLogs());
    }
  }

  @Test
  void samplerImageLoadsLibtorchOfflineAsNonRoot() throws Exception {
    try (GenericContainer<?> c = new GenericContainer<>(image("sampler"))
        .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c", "id -u && java -cp '/app/lib/*' dev.juice.model.Engines"))
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
      c.start();
      String logs = c.getLogs();
      assertTrue(logs.startsWith("10001"), logs);
      assertTrue(logs.contains("PyTorch 2.7.1 ready: 3.0"), logs);
      assertEquals(0L, c.getCurrentContainerInfo().getState().getExitCodeLong());
    }
  }
}
