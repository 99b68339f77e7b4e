package dev.scaling.common.fit;

import dev.scaling.common.spec.SpecException;

/**
 * How densely the multi-start covers each law's parameter space: {@code FULL} is Chinchilla's
 * published grid (alpha, beta in {0, 0.5, ..., 2}; e in {-1, -0.5, ..., 1}; a, b in {0, 5, ...,
 * 25}: 4500 starts), {@code COARSE} a thinned grid for quick fits (tests, previews). Each {@link
 * Law} lays out its own starts for either.
 */
public enum StartGrid {
  /** The published grid. */
  FULL,
  /** A thinned grid. */
  COARSE;

  /**
   * The grid named {@code value} ({@code full} or {@code coarse}, any case).
   *
   * @throws SpecException naming {@code field}, the choices and the value otherwise
   */
  public static StartGrid parse(String field, String value) {
    for (StartGrid g : values()) {
      if (value != null && g.name().equalsIgnoreCase(value.trim())) {
        return g;
      }
    }
    throw new SpecException(field, "one of full, coarse", value);
  }

  /** {@code from, from + step, ..., to}. */
  static double[] range(double from, double to, double step) {
    int n = (int) Math.round((to - from) / step) + 1;
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i * step;
    }
    return v;
  }
}
