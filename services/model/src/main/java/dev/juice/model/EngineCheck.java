package dev.juice.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Starts the PyTorch engine offline and multiplies two small matrices; prints the engine version and
 * the result. Used to prove that the native library loads from the Maven Central jar alone.
 */
public final class EngineCheck {
  private EngineCheck() {}

  public static void main(String[] args) {
    Engine e = Engines.pytorch(1);
    try (NDManager m = e.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      float[] r = a.matMul(a).toFloatArray();
      System.out.println("engine=" + e.getEngineName() + " version=" + e.getVersion() + " result=" + java.util.Arrays.toString(r));
    }
  }
}
