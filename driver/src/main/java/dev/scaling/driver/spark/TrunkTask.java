package dev.scaling.driver.spark;

import ai.djl.Device;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.common.trial.TrunkResult;
import dev.scaling.worker.Checkpoints;
import dev.scaling.worker.Engines;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * The body of one trunk segment's Spark task: trains the trunk from its newest checkpoint in {@code
 * OUT/checkpoints} to the segment's fork step and saves the fork checkpoints the branches start
 * from. A segment that throws is re-thrown while Spark has attempts left (a lost executor resumes
 * from the trunk's last checkpoint) and returned as FAILED on the last attempt, so the driver can
 * record its unforked branches and go on.
 */
public final class TrunkTask implements FlatMapFunction<Iterator<TrunkSegment>, SegmentOutcome> {
  private static final long serialVersionUID = 1L;

  private final String outDir;
  private final int maxAttempts;
  private final SweepAccumulators accumulators;
  private final double checkpointSeconds;

  /**
   * @param outDir the sweep's OUT folder; checkpoints live in {@code OUT/checkpoints}
   * @param maxAttempts Spark's attempts per task; the last one returns a failure instead of
   *     throwing
   * @param accumulators the named accumulators shown in the Spark UI
   * @param checkpointSeconds the trunk also saves its state this often (wall time); 0 or less: only
   *     at forks and at the segment's end
   */
  public TrunkTask(
      String outDir, int maxAttempts, SweepAccumulators accumulators, double checkpointSeconds) {
    this.outDir = outDir;
    this.maxAttempts = maxAttempts;
    this.accumulators = accumulators;
    this.checkpointSeconds = checkpointSeconds;
  }

  /** The checkpoint store of a wsd sweep: periodic when asked, else on request only. */
  static Checkpoints checkpoints(Configuration hadoop, String outDir, double seconds) {
    String dir = outDir + "/checkpoints";
    return seconds > 0
        ? Checkpoints.every(hadoop, dir, seconds)
        : Checkpoints.storeOnly(hadoop, dir);
  }

  @Override
  public Iterator<SegmentOutcome> call(Iterator<TrunkSegment> segments) throws Exception {
    TaskContext task = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    Engines.configure(Math.max(1, task.cpus()));
    Device assigned = TrialTask.deviceOf(task);
    boolean allowCpuFallback = env.conf().getBoolean(TrialTask.ALLOW_CPU_FALLBACK, false);
    Configuration hadoop = HadoopConfs.fromSparkConf(env.conf());
    TrialTrainer trainer = new TrialTrainer(hadoop);
    Checkpoints store = checkpoints(hadoop, outDir, checkpointSeconds);
    List<SegmentOutcome> out = new ArrayList<>(1);
    while (segments.hasNext()) {
      TrunkSegment segment = segments.next();
      LongAccumulator tokens = accumulators.tokensTrained();
      long tokensPerStep = segment.trunk().tokensPerStep();
      StepListener listener = new TokensTrained(tokens, tokensPerStep);
      // The trunk's own row on the Sweep page: its step over the trunk's whole length, every
      // segment's reports superseding the one before (a larger stop step).
      StepListener reporting =
          LiveReporter.segment(
                  accumulators.live(),
                  segment.trunk().sweepName(),
                  segment.trunk().trunkId(),
                  segment.trunkSteps(),
                  segment.fromStep(),
                  segment.stopStep(),
                  tokensPerStep,
                  assigned.toString())
              .around(listener);
      long start = System.nanoTime();
      Device device = assigned;
      TrunkResult result;
      try {
        device = TrialTask.usableDevice(assigned, allowCpuFallback);
        result =
            trainer.trainTrunk(
                segment.trunk(),
                segment.stopStep(),
                Map.of(segment.stopStep(), segment.branchIds()),
                device,
                reporting,
                store);
      } catch (Exception | Error e) {
        if (task.attemptNumber() + 1 < maxAttempts) {
          throw e instanceof Exception ex ? ex : new RuntimeException(e);
        }
        result =
            new TrunkResult(
                segment.trunk().trunkId(),
                TrialStatus.FAILED,
                0,
                0,
                String.valueOf(e),
                (System.nanoTime() - start) / 1e9,
                device.toString());
      }
      out.add(
          new SegmentOutcome(
              result,
              env.executorId(),
              env.blockManager().blockManagerId().host(),
              task.attemptNumber()));
    }
    return out.iterator();
  }
}
