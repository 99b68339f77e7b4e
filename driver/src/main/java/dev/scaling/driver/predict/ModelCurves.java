package dev.scaling.driver.predict;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.ScheduleKnots;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The {@link Curve}s a curve law sees of one model's wsd runs, built from the schedule each run
 * actually followed ({@link ScheduleKnots}: warmup from 0, the constant peak, the cooldown's shape,
 * within 1e-4 of the peak) with the held-out losses logged at their steps. The trunk's curve runs
 * to a branch's fork at the constant rate; a branch's curve covers its whole schedule but carries
 * losses only after its fork (the rows before are the trunk's and are counted there once), except
 * the few trunk losses a short cooldown borrows to reach {@link #MIN_LOSSES} (see {@link #forFit}).
 */
public final class ModelCurves {
  private ModelCurves() {}

  /**
   * The fewest logged losses a curve of a fit needs ({@link dev.scaling.common.curve.CurveFitter}'s
   * rule for a training run).
   */
  public static final int MIN_LOSSES = 3;

  /**
   * The curves one model's fit sees: the trunk's and each trained branch's, every logged loss of
   * the trunk counted once. A branch with fewer than {@link #MIN_LOSSES} losses after its fork (a
   * short cooldown between two evaluations) takes the trunk's last losses before its fork that no
   * shorter branch took: the rows before a fork are the same run under the branch's schedule and
   * the trunk's, so they move from the trunk's curve to the branch's and still count once.
   *
   * @param trunkId the trunk
   * @param trained the model's trained branches (finished, resumed at their forks), any order
   * @return the trunk's curve first, then the branches' by ascending fork
   */
  public static List<Curve> forFit(String trunkId, List<TrialOutcome> trained) {
    List<TrialOutcome> byFork =
        trained.stream().sorted(Comparator.comparingLong(o -> o.trial().forkStep())).toList();
    TrialOutcome furthest = byFork.get(byFork.size() - 1);
    long lastFork = furthest.trial().forkStep();
    TreeMap<Long, CurvePoint> trunkPoints = new TreeMap<>();
    for (CurvePoint p : furthest.result().curve()) {
      if (p.step() >= 1 && p.step() <= lastFork && p.hasEval() && p.evalLoss() > 0) {
        trunkPoints.put(p.step(), p);
      }
    }
    List<Curve> branches = new ArrayList<>();
    long taken = 0; // trunk losses at or before this step belong to a shorter branch
    for (TrialOutcome o : byFork) {
      Trial t = o.trial();
      List<CurvePoint> logged = new ArrayList<>(cooldown(o));
      List<Long> borrow = new ArrayList<>();
      for (Long step : trunkPoints.headMap(t.forkStep(), true).descendingKeySet()) {
        if (logged.size() + borrow.size() >= MIN_LOSSES || step <= taken) {
          break;
        }
        borrow.add(step);
      }
      for (Long step : borrow) {
        logged.add(trunkPoints.remove(step));
        taken = Math.max(taken, step);
      }
      branches.add(curve(t.trialId(), t, t.steps(), logged));
    }
    List<Curve> out = new ArrayList<>();
    out.add(curve(trunkId, furthest.trial(), lastFork, new ArrayList<>(trunkPoints.values())));
    out.addAll(branches);
    return out;
  }

  /** A branch's held-out losses after its fork. */
  private static List<CurvePoint> cooldown(TrialOutcome o) {
    Trial t = o.trial();
    List<CurvePoint> logged = new ArrayList<>();
    for (CurvePoint p : o.result().curve()) {
      if (p.step() > t.forkStep() && p.step() <= t.steps() && p.hasEval() && p.evalLoss() > 0) {
        logged.add(p);
      }
    }
    return logged;
  }

  /** A branch's curve: its whole schedule, with its held-out losses after its fork. */
  public static Curve branch(TrialOutcome o) {
    Trial t = o.trial();
    return curve(t.trialId(), t, t.steps(), cooldown(o));
  }

  /** A run's schedule with no loss logged: what a law predicts a branch from. */
  public static Curve schedule(Trial t) {
    return curve(t.trialId(), t, t.steps(), List.of());
  }

  private static Curve curve(String run, Trial t, long lastStep, List<CurvePoint> points) {
    List<CurvePoint> logged = new ArrayList<>(points);
    logged.sort(Comparator.comparingLong(CurvePoint::step));
    ScheduleKnots.Knots knots = ScheduleKnots.of(t.schedule(), lastStep);
    return knots.curve(
        run,
        logged.stream().mapToLong(CurvePoint::step).toArray(),
        logged.stream().mapToDouble(CurvePoint::evalLoss).toArray());
  }
}
