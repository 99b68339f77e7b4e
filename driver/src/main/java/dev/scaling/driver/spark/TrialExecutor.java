package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Plan;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Trains a plan's pending trials on Spark and returns their outcomes, each already committed under
 * OUT by its task. Two implementations: {@link SweepRunner} (every trial an independent task) and
 * {@link GraphRunner} (branching schedules: trunk segments and their cooldown branches as a task
 * graph); {@link #forPlan} picks the one a plan needs. Both report progress through one {@link
 * ProgressMonitor} on Spark's listener bus. Called on the driver's main thread; an exception means
 * the run stopped (every trial committed until then stays committed).
 */
public interface TrialExecutor {

  /**
   * What an executor needs besides the plan.
   *
   * @param outDir the qualified OUT folder the tasks commit to
   * @param checkpointSeconds seconds between in-trial checkpoints, 0 for none
   * @param hadoop the driver's Hadoop configuration
   * @param console where progress lines go
   */
  record Settings(
      String outDir, double checkpointSeconds, Configuration hadoop, PrintStream console) {
    public Settings {
      Objects.requireNonNull(outDir, "outDir");
      Objects.requireNonNull(hadoop, "hadoop");
      Objects.requireNonNull(console, "console");
    }
  }

  /**
   * Trains {@code todo} (trials of {@code plan} without a commit, in plan order).
   *
   * @return this run's id and the outcomes of the trials it committed, in plan order for the
   *     independent runner and completion order for the graph
   */
  Trained train(SparkSession spark, Plan plan, List<Trial> todo, Settings settings)
      throws Exception;

  /** The executor {@code plan} needs: the task graph when any trial branches off a trunk. */
  static TrialExecutor forPlan(Plan plan) {
    return plan.trials().stream().anyMatch(Trial::branched) ? new GraphRunner() : new SweepRunner();
  }
}
