package dev.juice.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code juice} command line: local Kafka, ingestion, runs and benchmarks. */
@Command(
    name = "juice",
    mixinStandardHelpOptions = true,
    version = "juice 0.1.0",
    description = "Reward learning from demonstrations as Kafka microservices.",
    subcommands = {
      UpCommand.class,
      IngestCommand.class,
      RunCommand.class,
      ReplayCommand.class,
      GenerateCommand.class,
      PretrainCommand.class,
      ExportCommand.class,
      StatusCommand.class,
      TopicsCommand.class,
      K8sCommand.class,
      ServeCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Juice implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the CLI; returns the exit code (used by tests). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Juice());
    cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
      cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
      if (Boolean.getBoolean("juice.stacktrace")) ex.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
