package dev.scaling.driver;

import picocli.CommandLine.Option;

/**
 * The option {@code run} and {@code fit} share on a wsd sweep's predicted branches: {@code
 * --exclude-predicted} leaves the rows with status {@code predicted} out of the L(N, D) fit (by
 * default they enter it weighted by their prediction intervals).
 */
public final class PredictedRowsMixin {
  @Option(
      names = "--exclude-predicted",
      description =
          "Leave the predicted branches (status predicted) out of the L(N,D) fit; by default they"
              + " enter it weighted by min(1, (eval noise / prediction sd)^2).")
  boolean excludePredicted;

  /** Whether predicted rows stay out of the fit. */
  public boolean excludePredicted() {
    return excludePredicted;
  }
}
