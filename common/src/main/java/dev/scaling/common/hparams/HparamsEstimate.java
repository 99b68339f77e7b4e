package dev.scaling.common.hparams;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.InvariantViolation;

/**
 * One fitted parameter of a hyperparameter law under its fits-table name ({@code lr_c}, {@code
 * lr_a_N}, {@code lr_b_D}, {@code bs_c}, {@code bs_e_D}, {@code bs_a_N}), with its bootstrap
 * percentile interval.
 *
 * @param ci the interval, or null without bootstrap (or when no resample was identifiable)
 */
public record HparamsEstimate(String name, double estimate, Interval ci) {
  public HparamsEstimate {
    InvariantViolation.check(
        name != null && Double.isFinite(estimate),
        "a hyperparameter-law estimate needs a name and a finite value, found "
            + name
            + " = "
            + estimate);
  }
}
