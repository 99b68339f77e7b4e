package dev.scaling.common.batch;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.InvariantViolation;

/**
 * Kaplan et al.'s eq. 5.2, B_crit(L) = B_* / L^(1/alpha_B), as fitted across target losses by
 * {@link BcritLaw}: B_* in the unit of the fits' batch sizes, alpha_B negative when B_crit fell as
 * the loss fell (the form then says the data disagree with it).
 *
 * @param bStar B_*, the critical batch at loss 1
 * @param alphaB alpha_B
 * @param bStarCi percentile interval of B_*, null without bootstrap
 * @param alphaBCi percentile interval of alpha_B, null without bootstrap
 * @param nPoints (group, target) fits the law was fitted to
 * @param rmsLogResidual root mean square of log B_crit_hat - log B_crit over the fits
 * @param failedResamples bootstrap resamples skipped (fewer than 2 distinct targets drawn)
 */
public record BcritLawFit(
    double bStar,
    double alphaB,
    Interval bStarCi,
    Interval alphaBCi,
    int nPoints,
    double rmsLogResidual,
    int failedResamples) {
  public BcritLawFit {
    InvariantViolation.check(
        bStar > 0 && Double.isFinite(alphaB) && alphaB != 0 && nPoints >= 2,
        "a B_crit(L) law needs B_* > 0, a finite non-zero alpha_B and >= 2 points; found "
            + bStar
            + ", "
            + alphaB
            + ", "
            + nPoints);
  }

  /** A fit without its residual and failure counts. */
  public BcritLawFit(
      double bStar, double alphaB, Interval bStarCi, Interval alphaBCi, int nPoints) {
    this(bStar, alphaB, bStarCi, alphaBCi, nPoints, 0, 0);
  }
}
