package dev.scaling.common.batch;

import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * One trial's learning curve with what the batch study needs beside it: the model it belongs to
 * (trials of one model differ only in batch size and tokens), its size and its batch in tokens. The
 * driver builds these from the trial outcomes; tests build them from known laws.
 *
 * @param trialId the trial
 * @param group the model, e.g. {@code width 32 depth 1}
 * @param n the model's non-embedding parameters N
 * @param batchTokens tokens per optimizer step B (sequences x context)
 * @param warmupSteps steps of learning-rate warmup (0 for none): targets are chosen below the loss
 *     at the first logged step after it
 * @param points the logged points, in step order
 */
public record TrialCurve(
    String trialId,
    String group,
    double n,
    double batchTokens,
    long warmupSteps,
    List<LoggedPoint> points) {
  public TrialCurve {
    InvariantViolation.check(
        trialId != null && group != null && n > 0 && batchTokens > 0 && warmupSteps >= 0,
        "a trial curve needs an id, a group, N > 0, B > 0 and warmup >= 0, found "
            + trialId
            + ", "
            + group
            + ", "
            + n
            + ", "
            + batchTokens
            + ", "
            + warmupSteps);
    points = List.copyOf(points);
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).step() <= points.get(i - 1).step()) {
        throw new InvariantViolation(
            "trial "
                + trialId
                + ": logged steps must increase, found "
                + points.get(i - 1).step()
                + " then "
                + points.get(i).step());
      }
    }
  }

  /** The points with a held-out loss, in step order. */
  public List<LoggedPoint> evaluated() {
    return points.stream().filter(LoggedPoint::evaluated).toList();
  }

  /** The lowest held-out loss logged; NaN without any. */
  public double minLoss() {
    return evaluated().stream().mapToDouble(LoggedPoint::loss).min().orElse(Double.NaN);
  }

  /** The highest held-out loss logged; NaN without any. */
  public double maxLoss() {
    return evaluated().stream().mapToDouble(LoggedPoint::loss).max().orElse(Double.NaN);
  }

  /**
   * The held-out loss at the first logged step at or after the warmup (the last one when every
   * point is inside the warmup); NaN without any.
   */
  public double lossAfterWarmup() {
    List<LoggedPoint> e = evaluated();
    if (e.isEmpty()) {
      return Double.NaN;
    }
    return e.stream()
        .filter(p -> p.step() >= warmupSteps && p.step() > 0)
        .findFirst()
        .orElse(e.get(e.size() - 1))
        .loss();
  }
}
