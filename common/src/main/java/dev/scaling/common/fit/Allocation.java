package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * One approach's compute-optimal allocation: N_opt(C) = g C^a and D_opt(C) = h C^b (C in FLOPs),
 * their values at the study's target compute, bootstrap intervals of a and b, and what the approach
 * fitted through (the frontier points, the IsoFLOP profiles).
 *
 * @param approach which approach
 * @param a exponent of N_opt ~ C^a
 * @param b exponent of D_opt ~ C^b
 * @param g N_opt = g C^a
 * @param h D_opt = h C^b
 * @param ciA percentile interval of a over bootstrap resamples of runs, null without bootstrap
 * @param ciB the same for b
 * @param atCompute the compute at which {@link #nOpt()} and {@link #dOpt()} are given
 * @param frontier the (C, N*, D*) points the power laws were fitted through, empty for the
 *     parametric approach
 * @param profiles the per-budget quadratics, empty except for the IsoFLOP approach
 * @param millis wall time of the estimate, bootstrap included
 */
public record Allocation(
    ApproachKind approach,
    double a,
    double b,
    double g,
    double h,
    Interval ciA,
    Interval ciB,
    double atCompute,
    List<FrontierPoint> frontier,
    List<Profile> profiles,
    long millis) {
  public Allocation {
    InvariantViolation.check(
        Double.isFinite(a) && Double.isFinite(b) && g > 0 && h > 0 && Double.isFinite(g),
        "allocation needs finite exponents and positive scales, found a="
            + a
            + " b="
            + b
            + " g="
            + g
            + " h="
            + h);
    frontier = List.copyOf(frontier);
    profiles = List.copyOf(profiles);
  }

  /** N_opt at {@code c} FLOPs. */
  public double nOpt(double c) {
    return g * Math.pow(c, a);
  }

  /** D_opt at {@code c} FLOPs. */
  public double dOpt(double c) {
    return h * Math.pow(c, b);
  }

  /** N_opt at the target compute. */
  public double nOpt() {
    return nOpt(atCompute);
  }

  /** D_opt at the target compute. */
  public double dOpt() {
    return dOpt(atCompute);
  }

  /** Tokens per parameter at the target compute. */
  public double tokensPerParam() {
    return dOpt() / nOpt();
  }

  /**
   * A point an approach fitted its power laws through.
   *
   * @param compute C in FLOPs
   * @param n the compute-optimal N found at C
   * @param d the matching D
   * @param loss the loss there (measured or at the quadratic's vertex)
   */
  public record FrontierPoint(double compute, double n, double d, double loss) {}

  /**
   * One budget's IsoFLOP profile: loss = c0 + c1 x + c2 x^2 with x = log10 N, and its vertex.
   *
   * @param compute the budget in FLOPs
   * @param n the budget's model sizes, increasing
   * @param loss their losses
   * @param c0 constant of the quadratic
   * @param c1 linear coefficient
   * @param c2 quadratic coefficient (positive for a minimum)
   * @param vertexN N at the vertex, NaN without a minimum
   * @param vertexD D at the vertex (the budget's log D against log N line there)
   * @param position where the vertex lies in the budget's log N range, 0 at its smallest N, 1 at
   *     its largest
   * @param atEdge the lowest loss is at the smallest or largest N, or the vertex lies outside the
   *     range or does not exist: left out of the fit
   */
  public record Profile(
      double compute,
      List<Double> n,
      List<Double> loss,
      double c0,
      double c1,
      double c2,
      double vertexN,
      double vertexD,
      double position,
      boolean atEdge) {
    public Profile {
      n = List.copyOf(n);
      loss = List.copyOf(loss);
    }

    /** The quadratic's loss at {@code nParams}. */
    public double predict(double nParams) {
      double x = Math.log10(nParams);
      return c0 + c1 * x + c2 * x * x;
    }

    /** Whether the vertex lies outside the middle third of the budget's log N range. */
    public boolean offCentre() {
      return !atEdge && (position < 1.0 / 3 || position > 2.0 / 3);
    }
  }
}
