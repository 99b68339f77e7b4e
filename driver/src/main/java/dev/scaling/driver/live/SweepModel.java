package dev.scaling.driver.live;

import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.live.SweepView.CurveView;
import dev.scaling.driver.live.SweepView.TrialView;
import dev.scaling.driver.plan.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The driver's model of a sweep: every planned trial with its status, place, progress, losses,
 * speed and learning curve, the sweep's totals and ETA, the current fit and the time estimate. Fed
 * by {@link SweepWatch} from live reports (executor heartbeats and task ends) and from commits;
 * read by the Sweep page. Thread-safe: every method locks the model; snapshots are immutable.
 */
public final class SweepModel {
  /** Curve points kept per trial; beyond that every other older point is dropped. */
  static final int MAX_CURVE = 240;

  private final String sweepName;
  private final String heartbeatInterval;
  private final long startMillis;
  private final double flopsTotal;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private double flopsCommittedBefore;
  private int attemptsLost;
  private long updates;
  private double lagSum;
  private double lagMax;
  private long lastUpdateMillis;
  private SweepView.Fit fit;
  private SweepView.Estimate estimate;

  /**
   * @param plan every trial of the sweep
   * @param committed outcomes already committed in OUT (an earlier run's), by trial id
   * @param heartbeatInterval Spark's heartbeat interval as configured, shown with the freshness
   * @param startMillis driver wall clock when watching started
   */
  public SweepModel(
      Plan plan, Collection<TrialOutcome> committed, String heartbeatInterval, long startMillis) {
    this.sweepName = plan.spec().name();
    this.heartbeatInterval = heartbeatInterval;
    this.startMillis = startMillis;
    this.flopsTotal = plan.totalFlops();
    for (Trial t : plan.trials()) {
      rows.put(t.trialId(), new Row(t.trialId(), t));
    }
    for (TrialOutcome o : committed) {
      Row r = rows.get(o.trial().trialId());
      if (r != null) {
        r.commit(o);
        flopsCommittedBefore += o.trial().flops();
      }
    }
  }

  /** The sweep's name; reports of other sweeps are ignored. */
  public String sweepName() {
    return sweepName;
  }

  /**
   * Takes a live report that arrived at {@code receivedAtMillis}; ignores other sweeps' reports,
   * committed trials and reports older than what the model has.
   */
  public synchronized void report(LiveProgress p, long receivedAtMillis) {
    if (!p.sweepName().equals(sweepName)) {
      return;
    }
    Row r = rows.computeIfAbsent(p.id(), id -> new Row(id, null));
    if (r.status.isFinal() || !p.supersedes(r.live)) {
      return;
    }
    boolean sameAttempt = r.live != null && r.live.attempt() == p.attempt();
    // From the first step on (the time before it is the trial's set-up, not a delay).
    if (sameAttempt && r.live.stepsDone() > 0 && p.stepsDone() > r.live.stepsDone()) {
      // The steps this report reveals were taken between the previous report's clock and this
      // one's: on average at the midpoint, the oldest right after the previous report.
      long previous = r.live.updatedAtMillis();
      double mean = Math.max(0, receivedAtMillis - (previous + p.updatedAtMillis()) / 2.0) / 1000.0;
      updates++;
      lagSum += mean;
      lagMax = Math.max(lagMax, Math.max(0, receivedAtMillis - previous) / 1000.0);
      lastUpdateMillis = receivedAtMillis;
    }
    if (r.live != null && p.attempt() > r.live.attempt()) {
      r.curve.clear();
    }
    r.live = p;
    r.receivedAtMillis = receivedAtMillis;
    r.status = LiveStatus.RUNNING;
    for (LivePoint point : p.recent()) {
      r.addPoint(point);
    }
  }

  /** A task attempt training {@code id} ended without success: Spark retries it. */
  public synchronized void attemptLost(String id) {
    Row r = rows.get(id);
    if (r != null && !r.status.isFinal()) {
      attemptsLost++;
      r.status = LiveStatus.RETRIED;
    }
  }

  /**
   * A task reporting {@code id} ended successfully: a trunk segment (an id outside the plan, never
   * committed) is then finished; a planned trial waits for its commit.
   */
  public synchronized void taskSucceeded(String id) {
    Row r = rows.get(id);
    if (r != null && r.trial == null && !r.status.isFinal()) {
      r.status = LiveStatus.FINISHED;
    }
  }

  /**
   * Takes a commit: the trial's final status, losses and curve. A commit of a trial outside the
   * plan (an earlier grid's, in the same OUT) is ignored, so the page never counts more than
   * planned.
   *
   * @return whether the model took it (a planned trial not committed before)
   */
  public synchronized boolean committed(TrialOutcome o) {
    Row r = rows.get(o.trial().trialId());
    if (r == null || r.trial == null || r.outcome != null) {
      return false;
    }
    r.commit(o);
    return true;
  }

  /** Whether {@code id} is committed in the model. */
  public synchronized boolean isCommitted(String id) {
    Row r = rows.get(id);
    return r != null && r.outcome != null;
  }

  /** Every committed outcome the model holds, in plan order. */
  public synchronized List<TrialOutcome> outcomes() {
    return rows.values().stream().filter(r -> r.outcome != null).map(r -> r.outcome).toList();
  }

  /** Sets the current fit shown on the page. */
  public synchronized void fit(SweepView.Fit f) {
    this.fit = f;
  }

  /** Sets the time estimate shown on the page. */
  public synchronized void estimate(SweepView.Estimate e) {
    this.estimate = e;
  }

  /** The sweep now; {@code withCurves} adds every trial's curve points. */
  public synchronized SweepView snapshot(boolean withCurves) {
    long now = System.currentTimeMillis();
    double elapsed = (now - startMillis) / 1000.0;
    int finished = 0;
    int diverged = 0;
    int failed = 0;
    int running = 0;
    int retried = 0;
    int planned = 0;
    double flopsDone = 0;
    List<TrialView> views = new ArrayList<>();
    for (Row r : rows.values()) {
      views.add(r.view(now, withCurves));
      switch (r.status) {
        case RUNNING -> running++;
        case RETRIED -> retried++;
        default -> {}
      }
      if (r.trial == null) {
        // A trunk segment: a row of its own, in flight or not, but never among the done trials.
        continue;
      }
      planned++;
      switch (r.status) {
        case FINISHED -> finished++;
        case DIVERGED -> diverged++;
        case FAILED -> failed++;
        default -> {}
      }
      if (r.outcome != null) {
        flopsDone += r.trial.flops();
      } else if (r.live != null && r.live.stepsPlanned() > 0) {
        flopsDone += r.trial.flops() * r.live.stepsDone() / r.live.stepsPlanned();
      }
    }
    double rate = (flopsDone - flopsCommittedBefore) / elapsed;
    Double eta = rate > 0 && elapsed > 0 ? (flopsTotal - flopsDone) / rate : null;
    SweepView.Progress progress =
        new SweepView.Progress(
            planned,
            finished,
            diverged,
            failed,
            running,
            retried,
            attemptsLost,
            flopsTotal,
            flopsDone,
            eta);
    SweepView.Freshness freshness =
        new SweepView.Freshness(
            updates,
            updates > 0 ? lagSum / updates : null,
            updates > 0 ? lagMax : null,
            updates > 0 ? (now - lastUpdateMillis) / 1000.0 : null,
            heartbeatInterval);
    return new SweepView(
        sweepName, now, elapsed, progress, freshness, estimate, fit, List.copyOf(views));
  }

  /** One trial's row with its curve, or empty for an id the model does not know. */
  public synchronized Optional<TrialView> trial(String id) {
    Row r = rows.get(id);
    return r == null ? Optional.empty() : Optional.of(r.view(System.currentTimeMillis(), true));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** A trial's mutable state, guarded by the model's lock. */
  private static final class Row {
    final String id;
    final Trial trial;
    final TreeMap<Long, LivePoint> curve = new TreeMap<>();
    LiveStatus status = LiveStatus.PLANNED;
    LiveProgress live;
    long receivedAtMillis;
    TrialOutcome outcome;

    Row(String id, Trial trial) {
      this.id = id;
      this.trial = trial;
    }

    void commit(TrialOutcome o) {
      outcome = o;
      status = LiveStatus.of(o.result().status());
      if (!o.result().curve().isEmpty()) {
        curve.clear();
        for (CurvePoint p : o.result().curve()) {
          curve.put(p.step(), new LivePoint(p.step(), p.tokens(), p.trainLoss(), p.evalLoss()));
        }
      }
    }

    void addPoint(LivePoint p) {
      LivePoint old = curve.get(p.step());
      if (old != null) {
        p =
            new LivePoint(
                p.step(),
                p.tokens(),
                Double.isNaN(p.trainLoss()) ? old.trainLoss() : p.trainLoss(),
                p.hasEval() ? p.evalLoss() : old.evalLoss());
      }
      curve.put(p.step(), p);
      if (curve.size() > MAX_CURVE) {
        // Thin the older half: keep every other point, always the evaluated ones and the newest.
        List<Long> steps = new ArrayList<>(curve.keySet());
        for (int i = 1; i < steps.size() / 2; i += 2) {
          if (!curve.get(steps.get(i)).hasEval()) {
            curve.remove(steps.get(i));
          }
        }
        while (curve.size() > MAX_CURVE) {
          curve.remove(secondKey());
        }
      }
    }

    private long secondKey() {
      return curve.higherKey(curve.firstKey());
    }

    TrialView view(long now, boolean withCurve) {
      List<CurveView> points = null;
      if (withCurve) {
        points =
            curve.values().stream()
                .map(
                    p ->
                        new CurveView(
                            p.step(), p.tokens(), finite(p.trainLoss()), finite(p.evalLoss())))
                .toList();
      }
      Double ago = live == null ? null : (now - receivedAtMillis) / 1000.0;
      TrialView.Builder row =
          TrialView.builder(id, trial == null ? "trunk" : "trial")
              .status(status.label())
              .steps(trial == null ? null : trial.steps())
              .updatedSecondsAgo(ago)
              .curve(points);
      if (trial != null) {
        row.shape(trial.width(), trial.depth(), trial.tokens(), trial.flops());
      }
      if (outcome != null) {
        var res = outcome.result();
        return row.attempt(outcome.attempt())
            .executor(outcome.executorId())
            .host(outcome.host())
            .device(res.device())
            .step(res.stepsDone())
            .tokensDone(res.tokensTrained())
            .trainLoss(finite(res.finalTrainLoss()))
            .evalLoss(finite(res.finalEvalLoss()))
            .tokensPerSecond(finite(res.tokensPerSecond()))
            .wallSeconds(finite(res.wallSeconds()))
            .build();
      }
      if (live == null) {
        return row.build();
      }
      long tokensPlanned = trial == null ? 0 : trial.tokensTrained();
      Double eta =
          status == LiveStatus.RUNNING && live.tokensPerSecond() > 0 && live.stepsPlanned() > 0
              ? Math.max(0, live.stepsPlanned() - live.stepsDone())
                  * ((double) live.tokensDone() / Math.max(1, live.stepsDone()))
                  / live.tokensPerSecond()
              : null;
      if (live.stepsDone() == 0 && tokensPlanned > 0) {
        eta = null;
      }
      return row.attempt(live.attempt())
          .executor(live.executorId())
          .host(live.host())
          .device(live.device())
          .step(live.stepsDone())
          .steps(live.stepsPlanned())
          .tokensDone(live.tokensDone())
          .trainLoss(finite(live.trainLoss()))
          .evalLoss(finite(live.evalLoss()))
          .tokensPerSecond(finite(live.tokensPerSecond()))
          .etaSeconds(eta)
          .build();
    }
  }
}
