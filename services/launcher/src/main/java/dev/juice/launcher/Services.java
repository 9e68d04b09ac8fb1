package dev.juice.launcher;

import dev.juice.ingest.config.IngestConfig;
import dev.juice.ingest.topology.Limits;
import java.nio.file.Path;
import java.time.Duration;

/** Configs of in-process services for a stack. */
final class Services {
  private Services() {}

  static IngestConfig ingestConfig(LocalStack stack, Path stateRoot) {
    return new IngestConfig(stack.topics().names().run(), stack.settings(),
        stateRoot.resolve("ingest-" + stack.topics().names().run()), 1, Duration.ofMillis(100), Limits.DEFAULT);
  }
}
