package dev.scaling.driver.spark;

import dev.scaling.driver.live.LiveAccumulator;
import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators that show a sweep's progress in the Spark UI (stage page) and REST API: tokens
 * trained, trials finished, trials failed or diverged.
 *
 * @param tokensTrained training tokens consumed so far, summed over tasks
 * @param trialsFinished trials that ended {@code finished}
 * @param trialsFailed trials that ended {@code failed} or {@code diverged}
 * @param live each running trial's step, tokens and latest losses, shipped with executor heartbeats
 *     to the Sweep page (see {@link LiveReporter})
 */
public record SweepAccumulators(
    LongAccumulator tokensTrained,
    LongAccumulator trialsFinished,
    LongAccumulator trialsFailed,
    LiveAccumulator live)
    implements Serializable {

  /** Registers the accumulators with names prefixed by the sweep name. */
  public static SweepAccumulators register(SparkContext sc, String sweepName) {
    LiveAccumulator live = new LiveAccumulator();
    sc.register(live, sweepName + ": live trials");
    return new SweepAccumulators(
        sc.longAccumulator(sweepName + ": tokens trained"),
        sc.longAccumulator(sweepName + ": trials finished"),
        sc.longAccumulator(sweepName + ": trials failed"),
        live);
  }
}
