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

  public OpsServer.Health health() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("phase", phase);
    d.put("connected", connected);
    d.put("version", version);
    if (failure != null) d.put("failure", failure);
    return new OpsServer.Health(failure == null, failure == null && connected, d);
  }
}
