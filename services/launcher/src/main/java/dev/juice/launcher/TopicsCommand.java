package dev.juice.launcher;

import dev.juice.common.kafka.TopicAdmin;
import dev.juice.common.kafka.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A run's topic layout — the one the services expect, from {@link TopicAdmin#layout} — printed, and
 * created where missing: compose's one-shot topic-init runs this against the real cluster.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"Print a run's topics (partitions, settings) and create the missing ones.",
        "With --bootstrap on a real cluster; on Kubernetes the KafkaTopic resources in k8s/ declare the same layout."})
final class TopicsCommand implements Callable<Integer> {
  @Mixin Connection connection;

  @Option(names = "--dry-run", description = "Only print the layout; create nothing (no broker needed).")
  boolean dryRun;

  @Override
  public Integer call() {
    var specs = TopicAdmin.layout(Topics.forRun(connection.run), connection.partitions);
    for (TopicAdmin.TopicSpec s : specs) {
      System.out.printf("%-40s partitions %2d  %s%n", s.name(), s.partitions(), s.config());
    }
    if (dryRun) return 0;
    try (LocalStack stack = connection.open()) { // opening ensures the layout
      System.out.printf("%d topics of run '%s' present on %s%n", specs.size(), connection.run, stack.settings().bootstrapServers());
    }
    return 0;
  }
}
