package dev.scaling.common.batch;

import java.util.List;
import java.util.Optional;

/**
 * The steps S (and examples E = S x B, in tokens) a trial takes to FIRST reach a target held-out
 * loss: at the first logged point whose loss is at or below the target, interpolated linearly in
 * the step between it and the point before (on the loss), so that S does not snap to the evaluation
 * interval. A target already reached at the first logged point gives that point's step.
 */
public final class StepsToTarget {
  private StepsToTarget() {}

  /**
   * Where a curve first reaches a target.
   *
   * @param target the target loss
   * @param steps the interpolated steps S
   * @param examples E = S x the trial's batch in tokens
   * @param before the logged step before the crossing (equal to {@code after} when reached at the
   *     first point)
   * @param after the first logged step at or below the target
   */
  public record Crossing(double target, double steps, double examples, long before, long after) {}

  /** The crossing of {@code target} by {@code curve}, empty when the curve never reaches it. */
  public static Optional<Crossing> of(TrialCurve curve, double target) {
    List<LoggedPoint> pts = curve.evaluated();
    for (int i = 0; i < pts.size(); i++) {
      LoggedPoint p = pts.get(i);
      if (p.loss() > target) {
        continue;
      }
      double s;
      long before;
      if (i == 0) {
        s = p.step();
        before = p.step();
      } else {
        LoggedPoint q = pts.get(i - 1);
        double f = (q.loss() - target) / (q.loss() - p.loss());
        s = q.step() + f * (p.step() - q.step());
        before = q.step();
      }
      return Optional.of(new Crossing(target, s, s * curve.batchTokens(), before, p.step()));
    }
    return Optional.empty();
  }

  /**
   * The noise scale measured at the logged step nearest the crossing (the earlier one on a tie);
   * null when the curve measured none.
   */
  public static Double noiseAt(TrialCurve curve, Crossing crossing) {
    LoggedPoint best = null;
    double bestGap = Double.POSITIVE_INFINITY;
    for (LoggedPoint p : curve.points()) {
      if (!p.measuredNoise()) {
        continue;
      }
      double gap = Math.abs(p.step() - crossing.steps());
      if (gap < bestGap) {
        best = p;
        bestGap = gap;
      }
    }
    return best == null ? null : best.noiseScale();
  }
}
