package dev.scaling.common.fit;

/**
 * The compute-optimal allocation implied by a Chinchilla law (Hoffmann et al. 2022, eq. 4):
 * N_opt(C) = G (C/6)^a, D_opt(C) = (C/6)/N_opt(C), with a = beta/(alpha+beta), b = alpha/(alpha+beta)
 * and G = (alpha A/(beta B))^(1/(alpha+beta)).
 */
public record ComputeOptimal(double a, double b, double g) {
  public ComputeOptimal {
    if (!Double.isFinite(a) || !Double.isFinite(b) || !(g > 0) || !Double.isFinite(g)) {
      throw new IllegalArgumentException(
          "compute-optimal exponents must be finite and G positive, found a=" + a + ", b=" + b + ", G=" + g);
    }
  }

  /** The allocation of the given Chinchilla law. */
  public static ComputeOptimal of(ChinchillaParams p) {
    double s = p.alpha() + p.beta();
    double g = Math.pow(p.alpha() * p.a() / (p.beta() * p.b()), 1.0 / s);
    return new ComputeOptimal(p.beta() / s, p.alpha() / s, g);
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
