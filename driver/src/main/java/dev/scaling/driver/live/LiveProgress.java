package dev.scaling.driver.live;

import dev.scaling.common.spec.InvariantViolation;
import java.io.Serializable;
import java.util.List;

/**
 * What a running trial (or a trunk segment, reported under its trunk id) last told the driver: its
 * place, progress, latest losses and speed, and the last few curve points, stamped with the
 * executor's clock. One value of the {@link LiveAccumulator}; immutable, so the heartbeat thread
 * can ship it while the task thread publishes the next one.
 *
 * @param sweepName the sweep the task belongs to (one application can run several sweeps)
 * @param id the trial id, or a trunk id
 * @param attempt Spark's attempt number of the task
 * @param executorId the executor training it
 * @param host that executor's host
 * @param device the device it trains on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param stepsDone optimizer steps done
 * @param stepsPlanned optimizer steps of the whole run
 * @param tokensDone training tokens consumed
 * @param trainLoss latest training loss (NaN before the first report)
 * @param evalLoss latest held-out loss (NaN before the first evaluation)
 * @param tokensPerSecond training tokens per wall second of this attempt so far
 * @param startedAtMillis executor wall clock when the attempt started
 * @param updatedAtMillis executor wall clock when {@code stepsDone} was reached
 * @param recent the last few curve points, oldest first, at most {@link #RECENT_POINTS}
 * @param fromStep the step this task started from: a resumed checkpoint's (a trunk segment's start,
 *     a branch's fork), 0 for a fresh start
 * @param stopStep the step this task stops at: a trunk segment's fork, else {@code stepsPlanned}; a
 *     trunk's later segment reports a larger one, so its reports supersede the earlier segment's
 */
public record LiveProgress(
    String sweepName,
    String id,
    int attempt,
    String executorId,
    String host,
    String device,
    long stepsDone,
    long stepsPlanned,
    long tokensDone,
    double trainLoss,
    double evalLoss,
    double tokensPerSecond,
    long startedAtMillis,
    long updatedAtMillis,
    List<LivePoint> recent,
    long fromStep,
    long stopStep)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Curve points carried per update, so evaluations between two heartbeats are not lost. */
  public static final int RECENT_POINTS = 16;

  public LiveProgress {
    InvariantViolation.check(
        id != null && sweepName != null, "live progress needs a sweep name and an id");
    InvariantViolation.check(
        stepsDone >= 0 && tokensDone >= 0 && attempt >= 0,
        "live progress of " + id + " has negative counts: step " + stepsDone);
    InvariantViolation.check(
        fromStep >= 0 && fromStep <= Math.max(stepsDone, stopStep),
        "live progress of " + id + " starts at step " + fromStep + " past its stop " + stopStep);
    recent = List.copyOf(recent);
  }

  /** A report of a task that runs a whole trial from step 0 (no trunk segment, no resume). */
  public LiveProgress(
      String sweepName,
      String id,
      int attempt,
      String executorId,
      String host,
      String device,
      long stepsDone,
      long stepsPlanned,
      long tokensDone,
      double trainLoss,
      double evalLoss,
      double tokensPerSecond,
      long startedAtMillis,
      long updatedAtMillis,
      List<LivePoint> recent) {
    this(
        sweepName,
        id,
        attempt,
        executorId,
        host,
        device,
        stepsDone,
        stepsPlanned,
        tokensDone,
        trainLoss,
        evalLoss,
        tokensPerSecond,
        startedAtMillis,
        updatedAtMillis,
        recent,
        0,
        stepsPlanned);
  }

  /** Whether {@code other} comes from the same task attempt (same segment, same attempt). */
  public boolean sameTaskAs(LiveProgress other) {
    return other != null && stopStep == other.stopStep && attempt == other.attempt;
  }

  /**
   * Whether this report supersedes {@code other} of the same id: a later trunk segment (a larger
   * stop step; each segment is a task of its own, whose attempts count from 0 again), a later
   * attempt, or the same attempt further on (more steps, or the same step reported later, e.g. with
   * a held-out loss).
   */
  public boolean supersedes(LiveProgress other) {
    if (other == null) {
      return true;
    }
    if (stopStep != other.stopStep) {
      return stopStep > other.stopStep;
    }
    if (attempt != other.attempt) {
      return attempt > other.attempt;
    }
    if (stepsDone != other.stepsDone) {
      return stepsDone > other.stepsDone;
    }
    return updatedAtMillis >= other.updatedAtMillis;
  }

  /** Short text for Spark's stage page and event log (accumulator values are shown as text). */
  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "%s step %d/%d loss %.4f eval %.4f on %s",
        id,
        stepsDone,
        stepsPlanned,
        trainLoss,
        evalLoss,
        executorId);
  }
}
