package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Prints live sweep progress on the driver's console from Spark's listener bus: trials done, running and
 * failed of the total, 6ND FLOPs done of the total, elapsed time and an ETA from the cost model. Only
 * tasks of the sweep's own job group are counted.
 */
public final class ProgressMonitor extends SparkListener {
  private final Plan plan;
  private final String jobGroup;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final Set<Integer> stages = new HashSet<>();
  private final Set<Integer> running = new HashSet<>();
  private final Set<Integer> done = new HashSet<>();
  private int attemptsFailed;
  private double flopsDone;

  /**
   * @param plan the plan whose trials are partitions 0..n-1 of the sweep's job, in order
   * @param jobGroup the job group the sweep's training job runs under
   * @param out where progress lines go
   */
  public ProgressMonitor(Plan plan, String jobGroup, PrintStream out) {
    this.plan = plan;
    this.jobGroup = jobGroup;
    this.out = out;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    if (jobStart.properties() != null && jobGroup.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
      scala.collection.Iterator<Object> ids = jobStart.stageIds().iterator();
      while (ids.hasNext()) {
        stages.add((Integer) ids.next());
      }
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart taskStart) {
    if (stages.contains(taskStart.stageId())) {
      running.add(taskStart.taskInfo().index());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (!stages.contains(taskEnd.stageId())) {
      return;
    }
    int index = taskEnd.taskInfo().index();
    running.remove(index);
    Trial trial = plan.trials().get(index);
    String what;
    if (taskEnd.reason() == Success$.MODULE$) {
      if (done.add(index)) {
        flopsDone += trial.flops();
      }
      what = "done";
    } else {
      attemptsFailed++;
      what = "attempt " + taskEnd.taskInfo().attemptNumber() + " lost (" + taskEnd.reason().getClass().getSimpleName() + "), Spark retries it";
    }
    out.println(line(trial, what, taskEnd.taskInfo().duration() / 1000.0, taskEnd.taskInfo().executorId()));
    out.flush();
  }

  /** Trials whose task has succeeded so far. */
  public synchronized int trialsDone() {
    return done.size();
  }

  /** Task attempts that failed and were retried (lost executors, transient errors). */
  public synchronized int attemptsFailed() {
    return attemptsFailed;
  }

  private String line(Trial t, String what, double seconds, String executor) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    double total = plan.totalFlops();
    double eta = flopsDone > 0 ? elapsed * (total - flopsDone) / flopsDone : Double.NaN;
    return String.format(
        Locale.ROOT,
        "[%d/%d done, %d running, %d retried] trial %s (w=%d d=%d D=%d) %s in %.1fs on executor %s"
            + " | FLOPs %.0f%% | elapsed %s, ETA %s",
        done.size(),
        plan.trials().size(),
        running.size(),
        attemptsFailed,
        t.trialId(),
        t.width(),
        t.depth(),
        t.tokens(),
        what,
        seconds,
        executor,
        100 * flopsDone / total,
        Durations.format(elapsed),
        Durations.format(eta));
  }

  /** The trials that are still running, for diagnostics. */
  public synchronized List<Integer> runningIndices() {
    return List.copyOf(running);
  }
}
