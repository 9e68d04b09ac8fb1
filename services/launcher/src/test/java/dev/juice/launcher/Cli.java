package dev.juice.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * Runs the CLI in this JVM as a user would, returning what it printed to stdout; fails on a non-zero
 * exit with both stdout and stderr (and the error's stack trace) in the message, so a failure on CI
 * says why without the surrounding console log.
 */
final class Cli {
  private Cli() {}

  static String juice(String... args) {
    return juiceOr(() -> "", args);
  }

  /** As {@link #juice}, appending {@code more} (e.g. child services' log tails) to a failure's message. */
  static String juiceOr(Callable<String> more, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    String oldTrace = System.getProperty("juice.stacktrace");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
         PrintStream es = new PrintStream(new TeeStream(err, oldErr), true, StandardCharsets.UTF_8)) {
      System.setOut(ps);
      System.setErr(es);
      System.setProperty("juice.stacktrace", "true");
      rc = Juice.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      if (oldTrace == null) System.clearProperty("juice.stacktrace");
      else System.setProperty("juice.stacktrace", oldTrace);
    }
    if (rc != 0) {
      String extra;
      try {
        extra = more.call();
      } catch (Exception e) {
        extra = "\n(could not add more: " + e + ")";
      }
      assertEquals(0, rc, "exit code of juice " + String.join(" ", args) + "\n--- stdout\n" + buf.toString(StandardCharsets.UTF_8)
          + "\n--- stderr\n" + tail(err.toString(StandardCharsets.UTF_8), 60) + extra);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static String tail(String s, int lines) {
    String[] all = s.replace('\r', '\n').lines().filter(l -> !l.isBlank() && !l.matches(".*\\d+% \\[.*")) // no progress bars
        .toArray(String[]::new);
    StringBuilder b = new StringBuilder();
    for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
      b.append(all[i]).append('\n');
    }
    return b.toString();
  }

  /** Copies what is written to a buffer and on to the console. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] x, int off, int len) throws java.io.IOException {
      a.write(x, off, len);
      b.write(x, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      b.flush();
    }

    @Override
    public void close() throws java.io.IOException {
      flush(); // never closes the console
    }
  }
}
