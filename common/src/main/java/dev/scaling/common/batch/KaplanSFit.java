package dev.scaling.common.batch;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.InvariantViolation;

/**
 * Kaplan et al. 2020's L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S as fitted by {@link
 * KaplanSLaw} (their Table 3: alpha_N ~ 0.076, alpha_S ~ 0.76, S_c ~ 2.1e3 at GPT-2 scale).
 *
 * @param nC N_c
 * @param alphaN alpha_N
 * @param sC S_c, in steps
 * @param alphaS alpha_S
 * @param nCCi percentile interval of N_c, null without bootstrap
 * @param alphaNCi percentile interval of alpha_N, null without bootstrap
 * @param sCCi percentile interval of S_c, null without bootstrap
 * @param alphaSCi percentile interval of alpha_S, null without bootstrap
 * @param nPoints points fitted
 * @param rmsLogResidual root mean square of log L_hat - log L over the points
 * @param failedResamples bootstrap resamples skipped (too few distinct N or S_min drawn, or no
 *     finite fit)
 */
public record KaplanSFit(
    double nC,
    double alphaN,
    double sC,
    double alphaS,
    Interval nCCi,
    Interval alphaNCi,
    Interval sCCi,
    Interval alphaSCi,
    int nPoints,
    double rmsLogResidual,
    int failedResamples) {
  public KaplanSFit {
    InvariantViolation.check(
        nC > 0 && alphaN > 0 && sC > 0 && alphaS > 0 && Double.isFinite(alphaN + alphaS),
        "an L(N, S_min) fit needs positive N_c, alpha_N, S_c, alpha_S; found "
            + nC
            + ", "
            + alphaN
            + ", "
            + sC
            + ", "
            + alphaS);
  }

  /** A fit without a count of failed resamples. */
  public KaplanSFit(
      double nC,
      double alphaN,
      double sC,
      double alphaS,
      Interval nCCi,
      Interval alphaNCi,
      Interval sCCi,
      Interval alphaSCi,
      int nPoints,
      double rmsLogResidual) {
    this(nC, alphaN, sC, alphaS, nCCi, alphaNCi, sCCi, alphaSCi, nPoints, rmsLogResidual, 0);
  }
}
