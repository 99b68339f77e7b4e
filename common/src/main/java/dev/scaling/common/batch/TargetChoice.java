package dev.scaling.common.batch;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The target losses at which steps to target are read, chosen automatically or given.
 *
 * <p>Automatically: a model's range is (above) the highest of its trials' lowest losses, so every
 * batch size reaches the target, to (below) the lowest of its trials' losses at the first logged
 * step after warmup, so no target is met while the learning rate still rises. The targets are
 * {@code count} losses evenly spaced in log loss over that range less a margin of {@link #MARGIN}
 * of its log width at each end. The same targets serve every model (<b>shared</b>) when the models'
 * ranges overlap over at least {@link #MIN_SHARED_OVERLAP} of the widest model's log range, so that
 * S_min of different models is read at the same losses without giving up most of a model's range (a
 * small model that stops far above a large one would confine the large one's targets to its first
 * steps, where its warmup still counts); otherwise each model gets targets in its own range (<b>per
 * model</b>). A model whose trials share no range gets none, and a reason.
 *
 * <p>Given ({@code --targets}): the same targets for every model; each must lie inside the loss
 * range (lowest to highest logged loss) of at least one trial, else a {@link SpecException} naming
 * {@code --targets}.
 */
public final class TargetChoice {
  /** Share of a range's log width left out at each end. */
  public static final double MARGIN = 0.05;

  /** The default number of automatic targets per model. */
  public static final int DEFAULT_COUNT = 5;

  /** Shared targets need the overlap to cover this share of the widest model's log range. */
  public static final double MIN_SHARED_OVERLAP = 0.8;

  private TargetChoice() {}

  /**
   * One model's range of reachable targets.
   *
   * @param group the model
   * @param low the highest of its trials' lowest losses
   * @param high the lowest of its trials' losses at the first logged step after warmup
   */
  public record Range(String group, double low, double high) {
    /** Whether some loss lies strictly inside. */
    public boolean open() {
      return low > 0 && high > low;
    }
  }

  /**
   * One model's targets.
   *
   * @param group the model
   * @param losses the targets, descending; empty when the model has no range (see {@code reason})
   * @param reason why there are none, null when there are
   */
  public record Targets(String group, List<Double> losses, String reason) {
    public Targets {
      losses = List.copyOf(losses);
    }
  }

  /**
   * The targets of every model and how they were chosen.
   *
   * @param ranges each model's range (the trials' own ranges for given targets)
   * @param targets each model's targets, in the order of the models' first trials
   * @param shared whether every model has the same targets
   * @param given whether they came from {@code --targets}
   */
  public record Choice(List<Range> ranges, List<Targets> targets, boolean shared, boolean given) {
    public Choice {
      ranges = List.copyOf(ranges);
      targets = List.copyOf(targets);
    }

    /** The targets of {@code group}, empty for a model not in the choice. */
    public List<Double> of(String group) {
      return targets.stream()
          .filter(t -> t.group().equals(group))
          .findFirst()
          .map(Targets::losses)
          .orElse(List.of());
    }

    /** One line: how many targets, shared or per model, given or automatic. */
    public String describe() {
      if (given) {
        return "targets given (--targets): "
            + fmt(targets.isEmpty() ? List.of() : targets.get(0).losses());
      }
      if (shared) {
        return String.format(
            Locale.ROOT,
            "%d targets shared by every model, evenly spaced in log loss inside the range every"
                + " batch size of every model reaches: %s",
            targets.get(0).losses().size(),
            fmt(targets.get(0).losses()));
      }
      return "targets per model (the models' loss ranges do not overlap enough to share them),"
          + " evenly spaced in log loss inside the range every batch size of the model reaches";
    }
  }

  /** The range of each model's curves, in the order of each model's first curve. */
  public static List<Range> ranges(List<TrialCurve> curves) {
    Map<String, double[]> byGroup = new LinkedHashMap<>();
    for (TrialCurve c : curves) {
      double lo = c.minLoss();
      double hi = c.lossAfterWarmup();
      if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
        continue;
      }
      byGroup.merge(
          c.group(),
          new double[] {lo, hi},
          (a, b) -> new double[] {Math.max(a[0], b[0]), Math.min(a[1], b[1])});
    }
    List<Range> out = new ArrayList<>();
    byGroup.forEach((g, r) -> out.add(new Range(g, r[0], r[1])));
    return out;
  }

  /**
   * {@code count} targets per model chosen inside the range every batch size reaches, shared by
   * every model when the ranges overlap enough (see the class comment).
   *
   * @param curves every trial of every model
   * @param count targets per model, at least 1
   */
  public static Choice automatic(List<TrialCurve> curves, int count) {
    if (count < 1) {
      throw new SpecException("--target-count", "at least 1", count);
    }
    List<Range> ranges = ranges(curves);
    List<Range> open = ranges.stream().filter(Range::open).toList();
    if (open.size() > 1) {
      double lo = open.stream().mapToDouble(Range::low).max().orElseThrow();
      double hi = open.stream().mapToDouble(Range::high).min().orElseThrow();
      double widest =
          open.stream().mapToDouble(r -> Math.log(r.high() / r.low())).max().orElseThrow();
      if (hi > lo && Math.log(hi / lo) >= MIN_SHARED_OVERLAP * widest) {
        List<Double> shared = spaced(lo, hi, count);
        List<Targets> t = new ArrayList<>();
        for (Range r : ranges) {
          t.add(
              r.open()
                  ? new Targets(r.group(), shared, null)
                  : new Targets(r.group(), List.of(), noRange(r)));
        }
        return new Choice(ranges, t, true, false);
      }
    }
    List<Targets> t = new ArrayList<>();
    for (Range r : ranges) {
      t.add(
          r.open()
              ? new Targets(r.group(), spaced(r.low(), r.high(), count), null)
              : new Targets(r.group(), List.of(), noRange(r)));
    }
    return new Choice(ranges, t, open.size() <= 1 && ranges.size() <= 1, false);
  }

  /**
   * The given targets for every model.
   *
   * @throws SpecException naming {@code --targets} when a target is not positive and finite, or
   *     lies outside the loss range of every trial
   */
  public static Choice given(List<TrialCurve> curves, List<Double> targets) {
    if (targets.isEmpty()) {
      throw new SpecException("--targets", "at least one target loss", "none");
    }
    for (int i = 0; i < targets.size(); i++) {
      double t = targets.get(i);
      String field = "--targets[" + i + "]";
      if (!(Double.isFinite(t) && t > 0)) {
        throw new SpecException(field, "a positive finite loss", t);
      }
      boolean inside = curves.stream().anyMatch(c -> c.minLoss() <= t && t <= c.maxLoss());
      if (!inside) {
        double lo = curves.stream().mapToDouble(TrialCurve::minLoss).min().orElse(Double.NaN);
        double hi = curves.stream().mapToDouble(TrialCurve::maxLoss).max().orElse(Double.NaN);
        throw new SpecException(
            field,
            String.format(
                Locale.ROOT,
                "inside the logged loss range of at least one trial (all trials: %.4g to %.4g)",
                lo,
                hi),
            t);
      }
    }
    List<Double> sorted = targets.stream().sorted((a, b) -> Double.compare(b, a)).toList();
    List<Range> ranges = ranges(curves);
    List<Targets> t = ranges.stream().map(r -> new Targets(r.group(), sorted, null)).toList();
    return new Choice(ranges, t, true, true);
  }

  /** {@code count} losses evenly spaced in log over (lo, hi) less the margins, descending. */
  static List<Double> spaced(double lo, double hi, int count) {
    double a = Math.log(lo);
    double b = Math.log(hi);
    double m = MARGIN * (b - a);
    a += m;
    b -= m;
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double f = count == 1 ? 0.5 : i / (double) (count - 1);
      out.add(Math.exp(b - f * (b - a)));
    }
    return out;
  }

  private static String noRange(Range r) {
    return String.format(
        Locale.ROOT,
        "no loss is reached by every batch size after warmup: the highest of its trials' lowest"
            + " losses (%.4g) is not below the lowest of their losses after warmup (%.4g)",
        r.low(),
        r.high());
  }

  private static String fmt(List<Double> v) {
    return v.stream().map(x -> String.format(Locale.ROOT, "%.4g", x)).toList().toString();
  }
}
