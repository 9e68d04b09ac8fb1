package dev.juice.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts DJL's PyTorch engine offline. The native library comes from the Maven Central jar
 * {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} on the classpath and is extracted to
 * {@code DJL_CACHE_DIR} (default {@code ~/.djl.ai}); nothing is downloaded. Intra-op threads are
 * fixed here because results are bit-identical only for a fixed thread count.
 */
public final class Engines {
  private static volatile Engine engine;

  private Engines() {}

  /** The PyTorch engine, offline, with {@code threads} intra-op threads (first call wins). */
  public static synchronized Engine pytorch(int threads) {
    if (engine == null) {
      System.setProperty("ai.djl.offline", "true");
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      engine = Engine.getEngine("PyTorch");
    }
    return engine;
  }

  /** Engine with the thread count from JUICE_THREADS (default 2). */
  public static Engine pytorch() {
    String t = System.getenv("JUICE_THREADS");
    return pytorch(t == null || t.isBlank() ? 2 : Integer.parseInt(t.trim()));
  }

  public static NDManager newManager() {
    return pytorch().newBaseManager();
  }

  /**
   * Loads the PyTorch engine once and prints where its native library lives. Container builds run
   * it with {@code DJL_CACHE_DIR} set so libtorch is extracted into the image, not at every start.
   */
  public static void main(String[] args) {
    Engine e = pytorch(1);
    try (NDManager m = newManager()) {
      System.out.println(e.getEngineName() + " " + e.getVersion() + " ready: " + m.create(new float[] {1, 2}).sum().getFloat());
    }
    System.out.println("DJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR", System.getenv().getOrDefault("DJL_CACHE_DIR", "~/.djl.ai")));
  }
}
