package dev.scaling.common.hparams;

import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.List;

/**
 * A fitted power law y* = c N^a D^b of the optimal learning rate or batch size, with {@code a}
 * absent where the law does not depend on N (the batch-size law on D alone).
 *
 * @param c the coefficient exp(intercept)
 * @param nExponent the exponent of N, or null when the law does not depend on N
 * @param dExponent the exponent of D
 * @param rss the residual sum of squares of log y over the fitted runs
 * @param points the runs fitted (the kept runs of every cell)
 */
public record HparamsLaw(
    HparamsEstimate c,
    HparamsEstimate nExponent,
    HparamsEstimate dExponent,
    double rss,
    int points) {

  public HparamsLaw {
    InvariantViolation.check(
        c != null && dExponent != null && points > 0,
        "a hyperparameter law needs c, a D exponent and fitted points");
  }

  /** The law's value at (N, D). */
  public double predict(double n, double d) {
    double a = nExponent == null ? 0 : nExponent.estimate();
    return c.estimate() * Math.pow(n, a) * Math.pow(d, dExponent.estimate());
  }

  /** Its parameters: c, the N exponent if any, the D exponent. */
  public List<HparamsEstimate> parameters() {
    List<HparamsEstimate> out = new ArrayList<>(List.of(c));
    if (nExponent != null) {
      out.add(nExponent);
    }
    out.add(dExponent);
    return out;
  }
}
