package dev.juice.pipeline;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle a scaled worker (sampler, scorer) shares: its exactly-once loop on a thread of its
 * own, an optional stop once the run's final policy version is out, {@link #await}, and a close that
 * stops the loop first and then releases the service's resources in order.
 */
public final class WorkerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

  private final String name;
  private final ExactlyOnceWorker worker;
  private final List<AutoCloseable> resources;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;

  /** @param resources closed after the loop stopped, in this order */
  public WorkerRuntime(String name, ExactlyOnceWorker worker, List<AutoCloseable> resources) {
    this.name = name;
    this.worker = worker;
    this.resources = resources;
    this.thread = new Thread(() -> {
      try {
        worker.run();
      } finally {
        done.countDown();
      }
    }, name);
  }

  /** Starts the loop; with {@code finished} given, stops on its own once it turns true. */
  public void start(BooleanSupplier finished) {
    thread.start();
    if (finished == null) return;
    Thread stopper = new Thread(() -> {
      while (running.get() && !finished.getAsBoolean()) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (running.get()) {
        log.info("{}: the run finished; stopping", name);
        close();
      }
    }, name + "-exit-when-done");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** False once closing began: handlers waiting for weights give up. */
  public boolean running() {
    return running.get();
  }

  /** Waits until the loop stopped (closed, fenced, or the run finished). */
  public void await() throws InterruptedException {
    done.await();
  }

  /**
   * A scaled worker's health: live while its loop runs; ready when its consumer is connected to the
   * broker and it holds a version of the model it serves with ({@code name}VersionLoaded/Available).
   */
  public dev.juice.common.ops.OpsServer.Health health(String name, HotSwapModel<?> model) {
    return health(name, model, null);
  }

  /** As {@link #health(String, HotSwapModel)}; not live once the weights watch stopped on its own. */
  public dev.juice.common.ops.OpsServer.Health health(String name, HotSwapModel<?> model, WeightsWatch watch) {
    boolean connected = worker.connected();
    boolean weights = watch == null || watch.alive();
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("connected", connected);
    d.put("weightsSubscriber", weights ? "running" : "stopped");
    d.put(name + "VersionLoaded", model.loaded());
    d.put(name + "VersionAvailable", model.available());
    d.put("records", worker.records());
    boolean live = worker.alive() && weights;
    return new dev.juice.common.ops.OpsServer.Health(live, live && connected && model.available() >= 1, d);
  }

  public ExactlyOnceWorker worker() {
    return worker;
  }

  @Override
  public void close() {
    if (!running.getAndSet(false)) return;
    worker.close();
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        log.warn("{}: closing {} failed: {}", name, r.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
