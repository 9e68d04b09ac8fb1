package dev.juice.common.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a single-writer service (trainer, evaluator) tells {@code /health}: its phase, whether it has
 * reached the broker, the newest model version it produced or holds, and a failure if it stopped on
 * one. Ready once connected and not failed; live until it failed.
 */
public final class ServiceState {
  private volatile String phase = "starting";
  private volatile boolean connected;
  private volatile long version = -1;
  private volatile String failure;

  public void phase(String p) {
    this.phase = p;
  }

  /** Called after the first successful read from the broker. */
  public void connected() {
    this.connected = true;
  }

  public void version(long v) {
    this.version = v;
  }

  /** Records why the service stopped (the exception class only: messages may carry data). */
  public void failed(Throwable t) {
    this.failure = t.getClass().getName();
  }

  /**
   * Runs a trainer's work to its end: phase "finished" on success; on failure the exception class is
   * recorded (so {@code /health} turns not-live) and the exception rethrown.
   */
  public <R> R complete(java.util.concurrent.Callable<R> work) throws Exception {
    try {
      R r = work.call();
      phase("finished");
      return r;
    } catch (Exception | Error e) {
      failed(e);
      throw e;
    }
  }

  /**
   * After a trainer finished: returns at once unless {@code JUICE_EXIT_WHEN_DONE=false}, in which case
   * it blocks until the process is stopped — a StatefulSet restarts a container that exits, so there
   * the pod stays up, healthy and "finished".
   */
  public static void stayUpIfAsked(java.util.Map<String, String> env) throws InterruptedException {
    if (!new dev.juice.common.config.Env(env).bool("JUICE_EXIT_WHEN_DONE", true)) new java.util.concurrent.CountDownLatch(1).await();
  }

  public OpsServer.Health health() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("phase", phase);
    d.put("connected", connected);
    d.put("version", version);
    if (failure != null) d.put("failure", failure);
    return new OpsServer.Health(failure == null, failure == null && connected, d);
  }
}
