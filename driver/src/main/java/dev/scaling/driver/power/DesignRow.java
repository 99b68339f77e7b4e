package dev.scaling.driver.power;

import dev.scaling.common.spec.InvariantViolation;

/**
 * One row the fit of a planned sweep will see: a model of {@code n} parameters (the N the fit uses,
 * the family's non-embedding count) trained on {@code d} tokens, and how many trials compete for it
 * ({@code copies}: learning-rate siblings, of which the fit keeps the lowest final loss).
 *
 * @param n parameters the fit uses
 * @param d training tokens
 * @param copies trials of this configuration that differ only in their learning rate (>= 1)
 */
public record DesignRow(double n, double d, int copies) {
  public DesignRow {
    InvariantViolation.check(
        n > 0 && Double.isFinite(n) && d > 0 && Double.isFinite(d) && copies >= 1,
        "a design row needs N > 0, D > 0 and copies >= 1, found N="
            + n
            + ", D="
            + d
            + ", copies="
            + copies);
  }

  /** Training compute by the 6ND rule, as the fit computes it. */
  public double flops() {
    return 6.0 * n * d;
  }
}
