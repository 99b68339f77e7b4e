package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Prints live sweep progress on the driver's console from Spark's listener bus: trials done,
 * running and failed of the total, 6ND FLOPs done of the total, elapsed time and an ETA from the
 * cost model. Only tasks of the sweep's own job group are counted. The sweep may run as several
 * jobs (trials sharing a GPU run in their own stage-level resource profile); each job names its
 * trials with the local property {@link #PART_PROPERTY}. On a terminal the progress line is
 * refreshed in place (lost attempts stay as lines of their own); in a log every finished trial is a
 * plain line.
 */
public final class ProgressMonitor extends SparkListener {
  /** Local property naming which part of the plan a job trains (a key of the monitor's parts). */
  public static final String PART_PROPERTY = "spark.sweep.part";

  private final Plan plan;
  private final String jobGroup;
  private final PrintStream out;
  private final boolean inPlace;
  private final Map<String, List<Trial>> parts;
  private final long startNanos = System.nanoTime();
  private final Map<Integer, List<Trial>> stages = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> done = new HashSet<>();
  private boolean lineOpen;
  private int attemptsFailed;
  private double flopsDone;

  /**
   * @param plan all trials of the sweep's jobs (for totals)
   * @param parts the trials of each job, by the job's {@link #PART_PROPERTY}; partition i is trial
   *     i
   * @param jobGroup the job group the sweep's training jobs run under
   * @param out where progress lines go
   * @param inPlace refresh one status line with carriage returns (a terminal) instead of printing
   *     lines
   */
  public ProgressMonitor(
      Plan plan,
      Map<String, List<Trial>> parts,
      String jobGroup,
      PrintStream out,
      boolean inPlace) {
    this.plan = plan;
    this.parts = Map.copyOf(parts);
    this.jobGroup = jobGroup;
    this.out = out;
    this.inPlace = inPlace;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    if (jobStart.properties() != null
        && jobGroup.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
      List<Trial> trials = parts.get(jobStart.properties().getProperty(PART_PROPERTY, "all"));
      if (trials == null) {
        return;
      }
      scala.collection.Iterator<Object> ids = jobStart.stageIds().iterator();
      while (ids.hasNext()) {
        stages.put((Integer) ids.next(), trials);
      }
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart taskStart) {
    List<Trial> trials = stages.get(taskStart.stageId());
    if (trials != null) {
      running.add(trials.get(taskStart.taskInfo().index()).trialId());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    List<Trial> trials = stages.get(taskEnd.stageId());
    if (trials == null) {
      return;
    }
    Trial trial = trials.get(taskEnd.taskInfo().index());
    running.remove(trial.trialId());
    String what;
    boolean ok = taskEnd.reason() == Success$.MODULE$;
    if (ok) {
      if (done.add(trial.trialId())) {
        flopsDone += trial.flops();
      }
      what = "done";
    } else {
      attemptsFailed++;
      what =
          "attempt "
              + taskEnd.taskInfo().attemptNumber()
              + " lost ("
              + taskEnd.reason().getClass().getSimpleName()
              + "), Spark retries it";
    }
    String line =
        line(trial, what, taskEnd.taskInfo().duration() / 1000.0, taskEnd.taskInfo().executorId());
    if (inPlace && ok) {
      out.print("\r\033[K" + line);
      lineOpen = true;
    } else {
      out.println((lineOpen ? "\r\033[K" : "") + line);
      lineOpen = false;
    }
    out.flush();
  }

  /** Ends an in-place status line so later output starts on a fresh line. */
  public synchronized void finish() {
    if (lineOpen) {
      out.println();
      out.flush();
      lineOpen = false;
    }
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
}
