package dev.scaling.worker;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Configures and starts DJL's PyTorch engine for trial training: offline (no downloads, no
 * telemetry) and a number of intra-op threads per trial.
 *
 * <p>libtorch's intra-op thread count is per calling thread: {@code at::set_num_threads} sets the
 * OpenMP thread count of the thread that calls it (OpenMP's {@code nthreads-var} is a per-thread
 * setting) and also stores it process-wide. A thread's first parallel operation (or {@code
 * get_num_threads}) runs a one-time lazy initialisation that re-applies the process-wide value, the
 * last one set by any thread: so a count set on a fresh thread is silently replaced by another
 * trial's when the two start together (measured: a 1-CPU trial ran with 2 threads beside a 2-CPU
 * one). Hence {@link #setThreads} runs the lazy initialisation first and sets the count after it;
 * every trial sets its own count on the thread that trains it ({@link #configure}, then {@link
 * #applyThreadsToCurrentThread} in the trainer), and two trials of different Spark resource
 * profiles in one executor each run with their own count. {@link #threadsOnCurrentThread} reads
 * back what libtorch really uses on this thread.
 */
public final class Engines {
  /** The DJL engine every trial runs on. */
  public static final String ENGINE = "PyTorch";

  /**
   * The thread count asked for on each thread by {@link #configure}; null where it was never
   * called.
   */
  private static final ThreadLocal<Integer> THREADS = new ThreadLocal<>();

  private static volatile boolean started;

  private Engines() {}

  /**
   * Starts the engine (offline; the first call also makes {@code threadsPerTrial} the default of
   * threads that never ask for a count) and makes {@code threadsPerTrial} the intra-op thread count
   * of the calling thread, now and whenever {@link #applyThreadsToCurrentThread} runs on it later.
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
    Engine engine = pytorch();
    THREADS.set(threadsPerTrial);
    setThreads(threadsPerTrial);
    return engine;
  }

  /**
   * Sets libtorch's intra-op thread count of the calling thread so that it stays: after the
   * thread's one-time lazy initialisation, which would otherwise overwrite it with the process-wide
   * value.
   */
  private static void setThreads(int threads) {
    JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
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
   * Re-applies the calling thread's intra-op thread count: the one {@link #configure} set on this
   * thread, else {@code ai.djl.pytorch.num_threads}. A trial started on a thread other than the one
   * that loaded the engine could otherwise run its kernels with another thread count (and round
   * differently).
   */
  public static void applyThreadsToCurrentThread() {
    Integer threads = THREADS.get();
    if (threads == null) {
      threads = Integer.getInteger("ai.djl.pytorch.num_threads");
    }
    if (threads != null && threads > 0) {
      setThreads(threads);
    }
  }

  /**
   * The intra-op thread count libtorch uses for work started from the calling thread (starts the
   * engine).
   */
  public static int threadsOnCurrentThread() {
    pytorch();
    return JniUtils.getNumThreads();
  }

  /** The libtorch version the PyTorch engine loaded (starts the engine). */
  public static String libtorchVersion() {
    return pytorch().getVersion();
  }

  /** The DJL version on the classpath. */
  public static String djlVersion() {
    return Engine.getDjlVersion();
  }
}
