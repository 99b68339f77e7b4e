package dev.scaling.common.fit;

import java.util.List;
import java.util.Set;

/**
 * A functional form of scaling law, written for the fused fitter as log L = LSE_k(u_k(theta)) (or
 * theta[p] * LSE for an outer power): the law supplies its terms and their gradients, the rows it
 * is fitted to, its start grid, how its parameters are named and where they are at a bound. Adding
 * a law is one class implementing this plus one constant in {@link LawForm}.
 */
public interface Law {
  /** Which rows of a table a law is fitted to. */
  enum Scope {
    /** Every row: a law of N and D together, bootstrapped and backtested. */
    JOINT,
    /** L(N) over the rows at the largest D. */
    N_AT_LARGEST_D,
    /** L(D) over the rows at the largest N. */
    D_AT_LARGEST_N
  }

  /** The rows this law is fitted to. */
  Scope scope();

  /** Whether {@code sweep run} and {@code sweep fit --form all} fit this law. */
  boolean fittedByDefault();

  /** Dimension of the optimiser's vector theta. */
  int dim();

  /** The terms of log L = LSE_k(u_k), in a fixed order. */
  List<Term> terms();

  /** Index of the theta component the LSE is raised to (log L = theta[p] * LSE), or -1 for none. */
  default int outerPower() {
    return -1;
  }

  /**
   * The typed parameters of the optimiser's vector; throws IllegalArgumentException where theta
   * lies outside the law's domain (an overflow, a division by zero).
   *
   * @param form the form the parameters belong to
   * @param fixedAt the other variable's value for a single-variable law, NaN for a joint one
   */
  LawParams params(LawForm form, double[] theta, double fixedAt);

  /** The multi-start's starting vectors on {@code grid}. */
  List<double[]> starts(StartGrid grid);

  /** The exponents, by published name: an exponent at or below 0 is a fit at its bound. */
  Set<String> exponents();
}
