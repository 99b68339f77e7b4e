package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.Success$;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
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
 * plain line. Both executors report through it: the independent runner's jobs and the task graph's
 * trunk segments and branches, so a sweep's progress has one path.
 *
 * <p>The console stays readable at any size: a sweep of at most {@value #SMALL_SWEEP} trials prints
 * a line per finished trial as it always did; a larger one prints a finished trial's line only when
 * the previous line is at least {@value #TRIAL_LINE_SECONDS} s old, and once trials end faster than
 * that, a summary line (finished, failed, running, FLOPs done, the rate and the ETA) at most every
 * {@value #SUMMARY_SECONDS} s instead, so at most one line per {@value #TRIAL_LINE_SECONDS} s
 * however fast trials end; {@link #finish} prints the last summary. Lost attempts are always
 * printed, the first {@value #MAX_LOST_LINES} individually, the later ones counted in the summary.
 * Heartbeats print nothing.
 *
 * <p>It also keeps each trial's failed attempts per job, so that after a job failed the runner can
 * tell which trial exhausted its attempts ({@link #exhausted}); {@link #awaitJobEnd} lets it wait
 * until the listener bus has delivered the job's last events.
 *
 * <p>Spark calls the listener methods on its listener-bus thread; {@link #expect}, {@link
 * #expectSegment} and {@link #note} are called by the scheduling threads. An exception thrown here
 * is logged by Spark's listener bus and does not stop the sweep.
 */
public final class ProgressMonitor extends SparkListener {
  /** Local property naming which part of the plan a job trains (a key of the monitor's parts). */
  public static final String PART_PROPERTY = "spark.sweep.part";

  private final Plan plan;
  private final String jobGroup;
  private final PrintStream out;
  private final boolean inPlace;
  private final Map<String, Part> parts = new HashMap<>();
  private final long startNanos;
  private final Map<Integer, Part> stages = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> done = new HashSet<>();
  private final Map<Integer, List<Integer>> jobStages = new HashMap<>();
  private final Set<Integer> jobsEnded = new HashSet<>();
  private final Map<Integer, Map<Integer, List<LostAttempt>>> failures = new HashMap<>();

  /** Trials up to which every finished trial gets its line. */
  public static final int SMALL_SWEEP = 200;

  /** Seconds a larger sweep's finished-trial line waits after the previous line. */
  public static final int TRIAL_LINE_SECONDS = 2;

  /** Seconds between two summary lines at least. */
  public static final int SUMMARY_SECONDS = 10;

  /** Lost attempts printed one by one; later ones are counted in the summaries. */
  public static final int MAX_LOST_LINES = 20;

  private final LongSupplier clock;
  private boolean lineOpen;
  private long lastLineNanos;
  private long lastSummaryNanos;
  private int unprinted;
  private int lostPrinted;
  private int lostUnprinted;
  private long lines;
  private int attemptsFailed;
  private double flopsDone;
  private final double totalFlops;

  /**
   * What one job trains: its partitions' trials (partition i is trial i), or a trunk segment.
   *
   * @param trials the trials, one per partition; a segment's single partition trains none of them
   * @param segment what a trunk-segment job trains (for its progress line), else null
   * @param flops the 6ND FLOPs a finished task of this job adds to the done share; NaN for a
   *     trial's own {@code flops()}
   */
  private record Part(List<Trial> trials, String segment, double flops) {}

  /**
   * One failed attempt of a trial's task, as Spark reported it.
   *
   * @param attempt Spark's attempt number (0 first)
   * @param executorId the executor it ran on
   * @param host that executor's host
   * @param seconds how long the attempt ran
   * @param executorLost whether the attempt failed because its executor was lost (the JVM died)
   * @param reason Spark's description of the failure
   */
  public record LostAttempt(
      int attempt,
      String executorId,
      String host,
      double seconds,
      boolean executorLost,
      String reason) {}

  /**
   * A trial of a failed job whose task failed as many times as Spark attempts it.
   *
   * @param trial the trial
   * @param attempts its failed attempts in attempt order
   */
  public record Exhausted(Trial trial, List<LostAttempt> attempts) {
    public Exhausted {
      attempts = List.copyOf(attempts);
    }

    /** Whether at least one attempt died with its executor (OOM, SIGKILL, a native crash). */
    public boolean executorLost() {
      return attempts.stream().anyMatch(LostAttempt::executorLost);
    }
  }

  /**
   * @param plan the trials the sweep's jobs train (for totals)
   * @param jobGroup the job group the sweep's training jobs run under
   * @param out where progress lines go
   * @param inPlace refresh one status line with carriage returns (a terminal) instead of printing
   *     lines
   */
  public ProgressMonitor(Plan plan, String jobGroup, PrintStream out, boolean inPlace) {
    this(plan, jobGroup, out, inPlace, plan.totalFlops());
  }

  /**
   * A monitor whose FLOPs share and ETA count {@code totalFlops} of work (a task graph's trunk
   * segments and cooldowns, which is less than its branches' 6ND as independent runs).
   */
  public ProgressMonitor(
      Plan plan, String jobGroup, PrintStream out, boolean inPlace, double totalFlops) {
    this(plan, jobGroup, out, inPlace, totalFlops, System::nanoTime);
  }

  /**
   * A monitor reading time from {@code clock} (nanoseconds, as {@link System#nanoTime}), which
   * paces its lines and measures elapsed time and rates.
   */
  ProgressMonitor(
      Plan plan,
      String jobGroup,
      PrintStream out,
      boolean inPlace,
      double totalFlops,
      LongSupplier clock) {
    this.clock = clock;
    this.startNanos = clock.getAsLong();
    this.lastLineNanos = startNanos - 3_600_000_000_000L;
    this.lastSummaryNanos = lastLineNanos;
    this.plan = plan;
    this.jobGroup = jobGroup;
    this.out = out;
    this.inPlace = inPlace;
    this.totalFlops = totalFlops;
  }

  /**
   * Names the trials of the jobs submitted with {@link #PART_PROPERTY} {@code key}: partition i
   * trains {@code trials.get(i)}. Call before submitting the job; any thread.
   */
  public synchronized void expect(String key, List<Trial> trials) {
    parts.put(key, new Part(List.copyOf(trials), null, Double.NaN));
  }

  /**
   * Names the one trial of the job submitted with {@link #PART_PROPERTY} {@code key}, whose
   * finished task adds {@code flops} (a branch's cooldown, not its whole 6ND) to the done share.
   */
  public synchronized void expect(String key, Trial trial, double flops) {
    parts.put(key, new Part(List.of(trial), null, flops));
  }

  /**
   * Names the trunk segment trained by the one-partition job submitted with {@link #PART_PROPERTY}
   * {@code key}, whose finished task adds {@code flops} to the done share; a lost attempt prints
   * {@code description}. Call before submitting the job; any thread.
   */
  public synchronized void expectSegment(String key, double flops, String description) {
    parts.put(key, new Part(List.of(), description, flops));
  }

  /**
   * Prints a line of the sweep's progress that no task end carries (the task graph's size, branches
   * recorded without training when their trunk failed). Called by the scheduling thread.
   */
  public synchronized void note(String line) {
    out.println((lineOpen ? "\r\033[K" : "") + line);
    out.flush();
    lineOpen = false;
    lines++;
    lastLineNanos = clock.getAsLong();
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    if (jobStart.properties() != null
        && jobGroup.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
      Part part = parts.get(jobStart.properties().getProperty(PART_PROPERTY, "all"));
      if (part == null) {
        return;
      }
      List<Integer> ofJob = new ArrayList<>();
      scala.collection.Iterator<Object> ids = jobStart.stageIds().iterator();
      while (ids.hasNext()) {
        Integer id = (Integer) ids.next();
        stages.put(id, part);
        ofJob.add(id);
      }
      jobStages.put(jobStart.jobId(), ofJob);
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart taskStart) {
    Part part = stages.get(taskStart.stageId());
    if (part != null && part.segment() == null) {
      running.add(part.trials().get(taskStart.taskInfo().index()).trialId());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    Part part = stages.get(taskEnd.stageId());
    if (part == null) {
      return;
    }
    boolean ok = taskEnd.reason() == Success$.MODULE$;
    if (part.segment() != null) {
      if (ok) {
        flopsDone += part.flops();
      }
      segmentEnded(part.segment(), ok, taskEnd);
      return;
    }
    Trial trial = part.trials().get(taskEnd.taskInfo().index());
    running.remove(trial.trialId());
    if (!ok
        && taskEnd.reason() instanceof TaskFailedReason failed
        && failed.countTowardsTaskFailures()) {
      failures
          .computeIfAbsent(taskEnd.stageId(), k -> new HashMap<>())
          .computeIfAbsent(taskEnd.taskInfo().index(), k -> new ArrayList<>())
          .add(lost(taskEnd, failed));
    }
    String what;
    if (ok) {
      if (done.add(trial.trialId())) {
        flopsDone += Double.isNaN(part.flops()) ? trial.flops() : part.flops();
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
    long now = clock.getAsLong();
    if (!ok) {
      lost(line);
    } else if (plan.trials().size() <= SMALL_SWEEP
        || (unprinted == 0 && now - lastLineNanos >= TRIAL_LINE_SECONDS * 1_000_000_000L)) {
      print(line, inPlace);
    } else {
      unprinted++;
      if (now - lastSummaryNanos >= SUMMARY_SECONDS * 1_000_000_000L
          && now - lastLineNanos >= TRIAL_LINE_SECONDS * 1_000_000_000L) {
        summary();
      }
    }
  }

  /** Prints a lost attempt's line, or counts it once {@value #MAX_LOST_LINES} were printed. */
  private void lost(String line) {
    if (lostPrinted < MAX_LOST_LINES) {
      lostPrinted++;
      print(
          line
              + (lostPrinted == MAX_LOST_LINES
                  ? " (later lost attempts are counted in the summary lines)"
                  : ""),
          false);
    } else {
      lostUnprinted++;
    }
  }

  /** Prints {@code line}, in place on a terminal (overwritten by the next) when {@code inPlace}. */
  private void print(String line, boolean inPlace) {
    if (inPlace) {
      out.print("\r\033[K" + line);
      lineOpen = true;
    } else {
      out.println((lineOpen ? "\r\033[K" : "") + line);
      lineOpen = false;
    }
    out.flush();
    lines++;
    lastLineNanos = clock.getAsLong();
  }

  /** The summary of the trials that ended since the last line. */
  private void summary() {
    long now = clock.getAsLong();
    double elapsed = (now - startNanos) / 1e9;
    double eta = flopsDone > 0 ? elapsed * (totalFlops - flopsDone) / flopsDone : Double.NaN;
    print(
        String.format(
            Locale.ROOT,
            "[%d/%d done, %d running, %d retried] %d trial(s) ended since the last line%s | %.1f"
                + " trials/min | FLOPs %.0f%% | elapsed %s, ETA %s",
            done.size(),
            plan.trials().size(),
            running.size(),
            attemptsFailed,
            unprinted,
            lostUnprinted > 0 ? ", " + lostUnprinted + " lost attempt(s) not printed" : "",
            elapsed > 0 ? done.size() * 60 / elapsed : 0,
            100 * flopsDone / totalFlops,
            Durations.format(elapsed),
            Durations.format(eta)),
        inPlace);
    unprinted = 0;
    lostUnprinted = 0;
    lastSummaryNanos = now;
  }

  /** Lines printed so far (trials, summaries, lost attempts, notes). */
  synchronized long lines() {
    return lines;
  }

  /**
   * A trunk segment's task ended: a lost attempt is a line of its own; a finished segment is
   * reported by the scheduler through {@link #note}, which knows the step it resumed from.
   */
  private void segmentEnded(String segment, boolean ok, SparkListenerTaskEnd taskEnd) {
    if (ok) {
      return;
    }
    attemptsFailed++;
    lost(
        String.format(
            Locale.ROOT,
            "[%d/%d done, %d running, %d retried] %s: attempt %d lost (%s) on executor %s, Spark"
                + " retries it",
            done.size(),
            plan.trials().size(),
            running.size(),
            attemptsFailed,
            segment,
            taskEnd.taskInfo().attemptNumber(),
            taskEnd.reason().getClass().getSimpleName(),
            taskEnd.taskInfo().executorId()));
  }

  private static LostAttempt lost(SparkListenerTaskEnd taskEnd, TaskFailedReason reason) {
    TaskEndReason r = taskEnd.reason();
    return new LostAttempt(
        taskEnd.taskInfo().attemptNumber(),
        taskEnd.taskInfo().executorId(),
        taskEnd.taskInfo().host(),
        taskEnd.taskInfo().duration() / 1000.0,
        r instanceof ExecutorLostFailure,
        reason.toErrorString());
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
    if (jobStages.containsKey(jobEnd.jobId())) {
      jobsEnded.add(jobEnd.jobId());
      notifyAll();
    }
  }

  /**
   * Waits until the listener bus delivered the end of job {@code jobId} (and so every task end of
   * it before), at most {@code millis}; returns whether it did.
   */
  public synchronized boolean awaitJobEnd(int jobId, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!jobsEnded.contains(jobId)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /**
   * The trials of job {@code jobId} whose task failed (counting towards Spark's task failures) at
   * least {@code maxAttempts} times: the ones Spark gave up on.
   */
  public synchronized List<Exhausted> exhausted(int jobId, int maxAttempts) {
    List<Exhausted> out = new ArrayList<>();
    for (Integer stage : jobStages.getOrDefault(jobId, List.of())) {
      Part part = stages.get(stage);
      Map<Integer, List<LostAttempt>> byIndex = failures.getOrDefault(stage, Map.of());
      byIndex.forEach(
          (index, attempts) -> {
            if (part != null && part.segment() == null && attempts.size() >= maxAttempts) {
              out.add(new Exhausted(part.trials().get(index), attempts));
            }
          });
    }
    return out;
  }

  /** Ends an in-place status line so later output starts on a fresh line. */
  public synchronized void finish() {
    if (unprinted > 0 || lostUnprinted > 0) {
      summary();
    }
    if (lineOpen) {
      out.println();
      out.flush();
      lineOpen = false;
    }
  }

  private String line(Trial t, String what, double seconds, String executor) {
    double elapsed = (clock.getAsLong() - startNanos) / 1e9;
    double total = totalFlops;
    double eta = flopsDone > 0 ? elapsed * (total - flopsDone) / flopsDone : Double.NaN;
    return String.format(
        Locale.ROOT,
        "[%d/%d done, %d running, %d retried] trial %s (w=%d d=%d D=%d%s) %s in %.1fs on executor"
            + " %s | FLOPs %.0f%% | elapsed %s, ETA %s",
        done.size(),
        plan.trials().size(),
        running.size(),
        attemptsFailed,
        t.trialId(),
        t.width(),
        t.depth(),
        t.tokens(),
        plan.spec().grid().hasBatchAxis() ? " B=" + t.training().batchSize() : "",
        what,
        seconds,
        executor,
        100 * flopsDone / total,
        Durations.format(elapsed),
        Durations.format(eta));
  }
}
