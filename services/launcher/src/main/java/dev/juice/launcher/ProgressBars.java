package dev.juice.launcher;

import dev.juice.model.algo.Progress;
import me.tongfei.progressbar.ProgressBar;

/**
 * Training progress as terminal progress bars: one bar per phase and stage (a new bar when the phase
 * or its "stage k/T" detail changes), with loss, tokens/s and the policy version in its message.
 * Thread-safe: the policy- and reward-trainer report from different threads.
 */
final class ProgressBars implements Progress, AutoCloseable {
  private final boolean show;
  private ProgressBar bar;
  private String key;
  private volatile long policyVersion;
  private volatile String extra = "";

  ProgressBars(boolean show) {
    this.show = show;
  }

  /** Shown in every bar's message from now on (e.g. the policy version being trained from). */
  void policyVersion(long v) {
    policyVersion = v;
  }

  void extra(String s) {
    extra = s;
  }

  @Override
  public synchronized void onStep(String phase, long step, long total, double loss, double tokensPerSec, String detail) {
    // one bar per phase, and per stage/round within a phase (epochs share their phase's bar)
    String scope = detail.startsWith("epoch") ? "" : detail;
    String k = phase + " " + scope;
    if (bar == null || !k.equals(key) || step == 1) {
      close();
      key = k;
      bar = IngestCommand.bar(phase + (scope.isEmpty() ? "" : " " + scope), total, show);
    }
    bar.maxHint(total);
    bar.stepTo(step);
    bar.setExtraMessage(String.format(" loss %.3f, %,.0f tok/s, v%d%s", loss, tokensPerSec, policyVersion, extra));
  }

  @Override
  public synchronized void close() {
    if (bar != null) bar.close();
    bar = null;
  }
}
