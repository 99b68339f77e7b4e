package dev.scaling.driver.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.worker.Checkpoints;
import dev.scaling.worker.Engines;
import dev.scaling.worker.StepListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.LongAccumulator;

/**
 * The body of one Spark task: trains the partition's trial on the task's device, commits its
 * outcome to {@code OUT/commits} at once (so no finished trial is ever lost) with its {@link
 * Provenance} (versions, and libtorch's intra-op threads, set from the task's CPUs in its resource
 * profile) and returns it. The training itself is a {@link TrialTraining}: DJL, or in the scale
 * bench only its stand-in. A trial that throws is re-thrown while Spark has attempts left (so a
 * lost executor or a transient error is retried) and recorded as {@code failed} on the last
 * attempt, so one bad trial never aborts the sweep.
 */
public final class TrialTask implements FlatMapFunction<Iterator<Trial>, TrialOutcome> {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final String outDir;
  private final int maxAttempts;
  private final SweepAccumulators accumulators;
  private final double checkpointSeconds;
  private final boolean resubmitted;

  /**
   * @param runId id of this submission, written into every row
   * @param outDir the sweep's OUT folder; each outcome is committed under it as soon as it exists
   * @param maxAttempts Spark's attempts per task ({@code spark.task.maxFailures}); the last one
   *     records a failure instead of throwing
   * @param accumulators the named accumulators shown in the Spark UI
   * @param checkpointSeconds a trial saves its state under {@code OUT/checkpoints} this often (wall
   *     time), so a retried attempt resumes instead of starting over; 0 or less turns checkpoints
   *     off
   */
  public TrialTask(
      String runId,
      String outDir,
      int maxAttempts,
      SweepAccumulators accumulators,
      double checkpointSeconds) {
    this(runId, outDir, maxAttempts, accumulators, checkpointSeconds, false);
  }

  private TrialTask(
      String runId,
      String outDir,
      int maxAttempts,
      SweepAccumulators accumulators,
      double checkpointSeconds,
      boolean resubmitted) {
    this.checkpointSeconds = checkpointSeconds;
    this.runId = runId;
    this.outDir = outDir;
    this.maxAttempts = maxAttempts;
    this.accumulators = accumulators;
    this.resubmitted = resubmitted;
  }

  /**
   * This task for a job that trains trials again after an earlier job was aborted: every attempt,
   * the first included, returns a trial's commit instead of training when one exists (a cancelled
   * task may have committed after the driver looked).
   */
  public TrialTask resubmitted() {
    return new TrialTask(runId, outDir, maxAttempts, accumulators, checkpointSeconds, true);
  }

  /**
   * Spark conf, <b>tests only</b>: a trial id, or {@code width=N}, whose task halts its executor's
   * JVM (exit 137, as the kernel's OOM killer would) on every attempt, to test that a poison trial
   * cannot stop a sweep. Unset (the default) it does nothing; no template or command sets it.
   */
  public static final String TEST_HALT_EXECUTOR_ON_TRIAL = "spark.sweep.test.haltExecutorOnTrial";

  /** Whether {@code selector} (of {@link #TEST_HALT_EXECUTOR_ON_TRIAL}) names {@code trial}. */
  static boolean selects(String selector, Trial trial) {
    if (selector == null || selector.isBlank()) {
      return false;
    }
    return selector.startsWith("width=")
        ? selector.substring(6).equals(Integer.toString(trial.width()))
        : selector.equals(trial.trialId());
  }

  @Override
  public Iterator<TrialOutcome> call(Iterator<Trial> trials) throws Exception {
    TaskContext task = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    // The task's own CPUs (its resource profile's, e.g. fewer for trials sharing a GPU) size
    // libtorch's
    // threads on this task's thread, whatever other tasks of this executor use.
    Engines.configure(Math.max(1, task.cpus()));
    String executorId = env.executorId();
    String host = env.blockManager().blockManagerId().host();
    Device assigned = deviceOf(task);
    boolean allowCpuFallback = env.conf().getBoolean(ALLOW_CPU_FALLBACK, false);
    Configuration hadoop = HadoopConfs.fromSparkConf(env.conf());
    TrialTraining trainer = TrialTraining.forExecutor(env.conf(), hadoop);
    CommitLog commits = new CommitLog(outDir, hadoop);
    Checkpoints checkpoints =
        checkpointSeconds > 0
            ? Checkpoints.every(hadoop, outDir + "/checkpoints", checkpointSeconds)
            : Checkpoints.NONE;
    List<TrialOutcome> out = new ArrayList<>(1);
    String haltOn = env.conf().get(TEST_HALT_EXECUTOR_ON_TRIAL, "");
    while (trials.hasNext()) {
      Trial trial = trials.next();
      LongAccumulator tokens = accumulators.tokensTrained();
      if (selects(haltOn, trial)) {
        System.err.printf(
            "%s: trial %s attempt %d halts executor %s (test only)%n",
            TEST_HALT_EXECUTOR_ON_TRIAL, trial.trialId(), task.attemptNumber(), executorId);
        System.err.flush();
        Runtime.getRuntime().halt(137);
      }
      if (task.attemptNumber() > 0 || resubmitted) {
        // A retry after a lost executor: the lost attempt may have committed before it died. The
        // first
        // commit is the trial's outcome, so return it instead of training again.
        TrialOutcome earlier = commits.read(trial.trialId());
        if (earlier != null) {
          tokens.add(earlier.result().tokensTrained());
          (earlier.result().status() == TrialStatus.FINISHED
                  ? accumulators.trialsFinished()
                  : accumulators.trialsFailed())
              .add(1);
          out.add(earlier);
          continue;
        }
      }
      StepListener listener =
          new TokensTrained(tokens, trial.tokensPerStep()) {
            @Override
            public void onResume(long fromStep) {
              super.onResume(fromStep);
              System.err.printf(
                  "trial %s attempt %d resumes from its %s at step %d of %d%n",
                  trial.trialId(),
                  task.attemptNumber(),
                  fromStep == trial.forkStep() ? "trunk's fork" : "checkpoint",
                  fromStep,
                  trial.steps());
            }
          };
      StepListener reporting =
          LiveReporter.forTrial(trial, accumulators.live(), assigned).around(listener);
      TrialResult result;
      long start = System.nanoTime();
      Device device = assigned;
      // A branch of a wsd trunk starts from its fork checkpoint, even with periodic ones off.
      Checkpoints store =
          trial.branched() && !checkpoints.enabled()
              ? TrunkTask.checkpoints(hadoop, outDir, 0)
              : checkpoints;
      try {
        device = usableDevice(assigned, allowCpuFallback);
        result = trainer.train(trial, device, reporting, store);
      } catch (Exception | Error e) {
        if (task.attemptNumber() + 1 < maxAttempts) {
          throw e instanceof Exception ex ? ex : new RuntimeException(e);
        }
        result = failed(trial, e, (System.nanoTime() - start) / 1e9, device);
      }
      result = onDevice(result, assigned, device);
      if (result.status() == TrialStatus.FINISHED) {
        accumulators.trialsFinished().add(1);
      } else {
        accumulators.trialsFailed().add(1);
      }
      // Read on the thread that trained: libtorch's thread count is per thread.
      Provenance provenance = trainer.provenance();
      TrialOutcome outcome =
          new TrialOutcome(
              trial, result, runId, executorId, host, task.attemptNumber(), provenance);
      // The outcome on the store: this one, or an earlier attempt's that committed first.
      TrialOutcome committed = commits.commit(outcome);
      store.clear(trial.trialId());
      out.add(committed);
    }
    return out.iterator();
  }

  /**
   * Spark conf: train on the CPU when Spark assigned a GPU but CUDA is not usable (tests, fake
   * GPUs).
   */
  public static final String ALLOW_CPU_FALLBACK = "spark.sweep.gpu.allowCpuFallback";

  /**
   * The device to train on: the assigned one, except a GPU when CUDA is not usable in this JVM (no
   * CUDA libtorch, no driver), which fails the task with a clear message unless CPU fallback is
   * allowed.
   */
  static Device usableDevice(Device assigned, boolean allowCpuFallback) {
    if (!assigned.isGpu()) {
      return assigned;
    }
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus > assigned.getDeviceId()) {
      return assigned;
    }
    if (allowCpuFallback) {
      return Device.cpu();
    }
    throw new IllegalStateException(
        "Spark assigned GPU "
            + assigned.getDeviceId()
            + " to this task but the PyTorch engine sees "
            + gpus
            + " usable GPU(s) (libtorch flavour "
            + Engine.getInstance().getVersion()
            + "; a CPU-only libtorch, no CUDA driver, or CUDA_VISIBLE_DEVICES hiding it). Use a CUDA libtorch"
            + " (deploy/docker/Dockerfile, PYTORCH_LIBRARY_PATH/PYTORCH_FLAVOR) or set "
            + ALLOW_CPU_FALLBACK
            + "=true to train on the CPU.");
  }

  /**
   * What the trials table's device column says: the device trained on, and the Spark GPU if it
   * differs.
   */
  static String label(Device assigned, Device used) {
    return used.equals(assigned)
        ? used.toString()
        : used
            + " (spark gpu "
            + assigned.getDeviceId()
            + ", CUDA unavailable: "
            + ALLOW_CPU_FALLBACK
            + ")";
  }

  /**
   * The result as trained on {@code used}: unchanged where that is the assigned device, else with
   * the {@link #label} of the fallback, every other field kept.
   */
  static TrialResult onDevice(TrialResult result, Device assigned, Device used) {
    return used.equals(assigned) ? result : result.withDevice(label(assigned, used));
  }

  /** The GPU Spark assigned to this task, else the CPU. */
  static Device deviceOf(TaskContext task) {
    ResourceInformation gpu = task.resources().get("gpu").getOrElse(() -> null);
    if (gpu != null && gpu.addresses().length > 0) {
      return Device.gpu(Integer.parseInt(gpu.addresses()[0]));
    }
    return Device.cpu();
  }

  private static TrialResult failed(Trial trial, Throwable e, double seconds, Device device) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    String text = trace.toString();
    String error = e + (text.length() > 4000 ? "\n" + text.substring(0, 4000) : "\n" + text);
    return TrialResult.builder(trial.trialId(), TrialStatus.FAILED)
        .error(error)
        .wallSeconds(seconds)
        .device(device.toString())
        .build();
  }
}
