package dev.scaling.worker;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Configures and starts DJL's PyTorch engine for trial training: offline (no downloads, no telemetry)
 * and a fixed number of intra-op threads per trial. Both settings are process-wide in libtorch, so they
 * only take effect before the engine's first use.
 */
public final class Engines {
  /** The DJL engine every trial runs on. */
  public static final String ENGINE = "PyTorch";

  private static volatile boolean started;

  private Engines() {}

  /**
   * Sets {@code ai.djl.offline=true} and {@code ai.djl.pytorch.num_threads=threadsPerTrial} unless the
   * engine already started, then loads the engine.
   *
   * @param threadsPerTrial intra-op threads of libtorch, at least 1
   * @return the PyTorch engine
   */
  public static synchronized Engine configure(int threadsPerTrial) {
    if (threadsPerTrial < 1) {
      throw new IllegalArgumentException("threadsPerTrial must be >= 1, found " + threadsPerTrial);
    }
    if (!started) {
      System.setProperty("ai.djl.offline", "true");
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threadsPerTrial));
    }
    return pytorch();
  }

  /** Loads (once) and returns the PyTorch engine with whatever settings are in place. */
  public static synchronized Engine pytorch() {
    if (!started && System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Engine engine = Engine.getEngine(ENGINE);
    started = true;
    return engine;
  }

  /**
   * Re-applies {@code ai.djl.pytorch.num_threads} on the calling thread. OpenMP's thread count is a
   * per-thread setting, so a trial started on a thread other than the one that loaded the engine could
   * otherwise run its kernels with the default thread count (and round differently).
   */
  public static void applyThreadsToCurrentThread() {
    Integer threads = Integer.getInteger("ai.djl.pytorch.num_threads");
    if (threads != null && threads > 0) {
      JniUtils.setNumThreads(threads);
    }
  }
}
