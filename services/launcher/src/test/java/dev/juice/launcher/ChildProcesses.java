package dev.juice.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Services started as child JVMs by a test: their logs in a directory, their tails for failure messages, all killed at the end. */
final class ChildProcesses implements AutoCloseable {
  private final Path dir;
  private final List<Process> children = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  ChildProcesses(Path dir) {
    this.dir = dir;
  }

  Process spawn(Class<?> main, Map<String, String> env, String name) throws Exception {
    Path log = dir.resolve(name + ".log");
    logs.add(log);
    Process p = Pipelines.spawn(main, env, log);
    children.add(p);
    return p;
  }

  /** The last lines of every child's log. */
  String tails(int lines) throws Exception {
    StringBuilder b = new StringBuilder();
    for (Path l : logs) {
      List<String> all = Files.exists(l) ? Files.readAllLines(l) : List.of();
      b.append("\n--- ").append(l.getFileName()).append('\n');
      all.subList(Math.max(0, all.size() - lines), all.size()).forEach(x -> b.append(x).append('\n'));
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    for (Process p : children) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
