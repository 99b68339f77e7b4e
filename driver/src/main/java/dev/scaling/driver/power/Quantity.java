package dev.scaling.driver.power;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.ComputeOptimal;
import java.util.List;
import java.util.Set;

/**
 * A quantity a Chinchilla fit estimates whose precision a design is judged by: the two loss
 * exponents, the floor, the compute-optimal exponent a = beta/(alpha+beta) of N_opt ~ C^a, and
 * N_opt at a target compute.
 */
public enum Quantity {
  /** alpha, the exponent of N. */
  ALPHA("alpha", true, Set.of("A", "alpha")),
  /** beta, the exponent of D. */
  BETA("beta", true, Set.of("B", "beta")),
  /** E, the irreducible loss. */
  E("E", false, Set.of("E")),
  /** a = beta/(alpha+beta), the exponent of N_opt ~ C^a. */
  A("a", true, Set.of("A", "B", "alpha", "beta")),
  /** N_opt at the target compute. */
  N_OPT("N_opt", false, Set.of("A", "B", "alpha", "beta"));

  private final String label;
  private final boolean exponent;
  private final Set<String> dependsOn;

  Quantity(String label, boolean exponent, Set<String> dependsOn) {
    this.label = label;
    this.exponent = exponent;
    this.dependsOn = dependsOn;
  }

  /** The name printed. */
  public String label() {
    return label;
  }

  /** Whether this is an exponent, which gets a one-line verdict. */
  public boolean exponent() {
    return exponent;
  }

  /** Whether a fit whose parameters {@code atBound} ended at a bound leaves this quantity there. */
  public boolean touchedBy(List<String> atBound) {
    return atBound.stream().anyMatch(dependsOn::contains);
  }

  /** This quantity of {@code p}; NaN where the law leaves it undefined (no allocation). */
  public double of(ChinchillaParams p, double targetFlops) {
    return switch (this) {
      case ALPHA -> p.alpha();
      case BETA -> p.beta();
      case E -> p.e();
      case A -> ComputeOptimal.of(p).map(ComputeOptimal::a).orElse(Double.NaN);
      case N_OPT -> ComputeOptimal.of(p).map(o -> o.nOpt(targetFlops)).orElse(Double.NaN);
    };
  }
}
