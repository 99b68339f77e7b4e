package dev.scaling.common.fit;

import java.util.Optional;

/**
 * The compute-optimal allocation implied by a Chinchilla law (Hoffmann et al. 2022, eq. 4):
 * N_opt(C) = G (C/6)^a, D_opt(C) = (C/6)/N_opt(C), with a = beta/(alpha+beta), b =
 * alpha/(alpha+beta) and G = (alpha A/(beta B))^(1/(alpha+beta)). This is the one place it is
 * computed.
 */
public record ComputeOptimal(double a, double b, double g) {
  public ComputeOptimal {
    if (!Double.isFinite(a) || !Double.isFinite(b) || !(g > 0) || !Double.isFinite(g)) {
      throw new IllegalArgumentException(
          "compute-optimal exponents must be finite and G positive, found a="
              + a
              + ", b="
              + b
              + ", G="
              + g);
    }
  }

  /** The quantities reported for an allocation, with their names in tables, JSON and the report. */
  public enum Quantity {
    /** The exponent a of N_opt ~ C^a. */
    A("a"),
    /** The exponent b of D_opt ~ C^b. */
    B("b"),
    /** N_opt at the reported compute. */
    N_OPT("N_opt");

    private final String label;

    Quantity(String label) {
      this.label = label;
    }

    /** The name in tables and JSON. */
    public String label() {
      return label;
    }

    /** This quantity of {@code o}, N_opt taken at {@code flops}. */
    public double of(ComputeOptimal o, double flops) {
      return switch (this) {
        case A -> o.a();
        case B -> o.b();
        case N_OPT -> o.nOpt(flops);
      };
    }
  }

  /**
   * The allocation of the given Chinchilla law; empty where a parameter at its bound (A or B at 0,
   * an exponent at or below 0) leaves it undefined: loss then does not trade N against D.
   */
  public static Optional<ComputeOptimal> of(ChinchillaParams p) {
    double s = p.alpha() + p.beta();
    if (!(p.alpha() > 0) || !(p.beta() > 0) || !(p.a() > 0) || !(p.b() > 0)) {
      return Optional.empty();
    }
    double g = Math.pow(p.alpha() * p.a() / (p.beta() * p.b()), 1.0 / s);
    if (!(g > 0) || !Double.isFinite(g)) {
      return Optional.empty();
    }
    return Optional.of(new ComputeOptimal(p.beta() / s, p.alpha() / s, g));
  }

  /** Compute-optimal parameter count for {@code flops} of training compute. */
  public double nOpt(double flops) {
    return g * Math.pow(flops / 6.0, a);
  }

  /** Compute-optimal token count for {@code flops} of training compute. */
  public double dOpt(double flops) {
    return flops / 6.0 / nOpt(flops);
  }
}
