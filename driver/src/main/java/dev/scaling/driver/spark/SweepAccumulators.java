package dev.scaling.driver.spark;

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
 */
public record SweepAccumulators(
    LongAccumulator tokensTrained, LongAccumulator trialsFinished, LongAccumulator trialsFailed)
    implements Serializable {

  /** Registers the three accumulators with names prefixed by the sweep name. */
  public static SweepAccumulators register(SparkContext sc, String sweepName) {
    return new SweepAccumulators(
        sc.longAccumulator(sweepName + ": tokens trained"),
        sc.longAccumulator(sweepName + ": trials finished"),
        sc.longAccumulator(sweepName + ": trials failed"));
  }
}
