package dev.scaling.driver.predict;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.ScheduleKnots;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Curve}s a curve law sees of one model's wsd runs, built from the schedule each run
 * actually followed ({@link ScheduleKnots}: warmup from 0, the constant peak, the cooldown's shape,
 * within 1e-4 of the peak) with the held-out losses logged at their steps. The trunk's curve runs
 * to a branch's fork at the constant rate; a branch's curve covers its whole schedule but carries
 * losses only after its fork (the rows before are the trunk's and are counted there once).
 */
public final class ModelCurves {
  private ModelCurves() {}

  /**
   * The trunk's curve, read from a committed branch that resumed at its fork: its schedule and
   * held-out losses up to its fork step (any branch's rows before its fork are the trunk's).
   */
  public static Curve trunk(String trunkId, TrialOutcome furthest) {
    Trial t = furthest.trial();
    long fork = t.forkStep();
    List<CurvePoint> logged = new ArrayList<>();
    for (CurvePoint p : furthest.result().curve()) {
      if (p.step() >= 1 && p.step() <= fork && p.hasEval() && p.evalLoss() > 0) {
        logged.add(p);
      }
    }
    return curve(trunkId, t, fork, logged);
  }

  /** A branch's curve: its whole schedule, with its held-out losses after its fork. */
  public static Curve branch(TrialOutcome o) {
    Trial t = o.trial();
    List<CurvePoint> logged = new ArrayList<>();
    for (CurvePoint p : o.result().curve()) {
      if (p.step() > t.forkStep() && p.step() <= t.steps() && p.hasEval() && p.evalLoss() > 0) {
        logged.add(p);
      }
    }
    return curve(t.trialId(), t, t.steps(), logged);
  }

  /** A run's schedule with no loss logged: what a law predicts a branch from. */
  public static Curve schedule(Trial t) {
    return curve(t.trialId(), t, t.steps(), List.of());
  }

  private static Curve curve(String run, Trial t, long lastStep, List<CurvePoint> logged) {
    ScheduleKnots.Knots knots = ScheduleKnots.of(t.schedule(), lastStep);
    return knots.curve(
        run,
        logged.stream().mapToLong(CurvePoint::step).toArray(),
        logged.stream().mapToDouble(CurvePoint::evalLoss).toArray());
  }
}
