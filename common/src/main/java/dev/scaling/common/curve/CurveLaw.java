package dev.scaling.common.curve;

import java.util.List;

/**
 * A whole learning-curve law: the loss at every step of a run as a function of the run's
 * learning-rate schedule and a few parameters. One implementation per law, registered by one
 * constant of {@link CurveLawForm}; {@link CurveFitter} fits any of them the same way.
 *
 * <p>Implementations are stateless and thread-safe: {@link #predict} is called concurrently from
 * the fitter's worker threads, each on its own {@link Prepared} curve.
 */
public interface CurveLaw {
  /** Parameter names in the order of the parameter vector, e.g. L0, A, alpha. */
  List<String> parameterNames();

  /**
   * One sentence per parameter: what it means and which schedules identify it (for the javadoc, the
   * docs and the report).
   */
  List<String> parameterMeanings();

  /**
   * Per parameter, whether it must be positive: the fitter searches those in log space, so it never
   * leaves the domain.
   */
  boolean[] positive();

  /**
   * What evaluations of one curve share, computed once per curve (prefix sums of the rate, the
   * schedule's segments): {@link #predict} then costs no pass over every step of the run.
   */
  Prepared prepare(Curve curve);

  /**
   * The law's loss at every row of {@code curve} for parameters {@code p} (natural units), written
   * into {@code out} (one per row); when {@code jac} is not null, also its derivatives d out[i] / d
   * p[j] at {@code jac[i * dim + j]}. A non-finite value marks p as outside the law's domain.
   */
  void predict(double[] p, Prepared curve, double[] out, double[] jac);

  /**
   * The starting points of the multi-start (natural units), derived from the training curves the
   * way the law's reference code starts.
   */
  List<double[]> starts(List<Prepared> train);

  /** The number of parameters. */
  default int dim() {
    return parameterNames().size();
  }

  /** A curve with what {@link #predict} needs precomputed; immutable. */
  interface Prepared {
    /** The curve it was prepared from. */
    Curve curve();

    /**
     * Whether the law is defined at row {@code row} whatever the parameters (the Multi-Power Law is
     * not where S1 = 0, at the first row of a warmup from 0): the fitter skips the rows where it is
     * not, and {@link #predict} writes NaN there.
     */
    default boolean defined(int row) {
      return true;
    }
  }
}
