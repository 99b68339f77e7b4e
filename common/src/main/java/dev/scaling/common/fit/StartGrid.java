package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * The grid of starting points of the multi-start fit. {@code FULL} is Chinchilla's published grid
 * (alpha, beta in {0, 0.5, ..., 2}; e in {-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}: 4500 starts);
 * {@code COARSE} is a thinned grid for quick fits (tests, previews).
 */
public enum StartGrid {
  /** The published grid: 4500 Chinchilla starts, 980 Kaplan starts, 150 per single-variable law. */
  FULL,
  /** A thinned grid: 432 Chinchilla starts, 144 Kaplan starts, 36 per single-variable law. */
  COARSE;

  /** Starting vectors in the optimiser's coordinates for the given form. */
  List<double[]> starts(LawForm form) {
    boolean full = this == FULL;
    double[] exps = full ? range(0, 2, 0.5) : new double[] {0, 1, 2};
    double[] es = full ? range(-1, 1, 0.5) : new double[] {-1, 0, 1};
    double[] logs = full ? range(0, 25, 5) : new double[] {0, 10, 20, 25};
    List<double[]> out = new ArrayList<>();
    switch (form) {
      case CHINCHILLA -> {
        for (double a : logs) {
          for (double b : logs) {
            for (double e : es) {
              for (double alpha : exps) {
                for (double beta : exps) {
                  out.add(new double[] {a, b, e, alpha, beta});
                }
              }
            }
          }
        }
      }
      case KAPLAN -> {
        double[] lc = full ? range(10, 40, 5) : new double[] {10, 20, 30, 40};
        double[] ad = full ? new double[] {0.05, 0.1, 0.2, 0.4, 0.8} : new double[] {0.1, 0.4, 0.8};
        double[] r = full ? new double[] {0.5, 1, 2, 4} : new double[] {0.5, 1, 2};
        for (double lnc : lc) {
          for (double ldc : lc) {
            for (double x : r) {
              for (double y : ad) {
                out.add(new double[] {lnc, ldc, x, y});
              }
            }
          }
        }
      }
      case POWER_N, POWER_D -> {
        for (double a : logs) {
          for (double e : es) {
            for (double alpha : exps) {
              out.add(new double[] {a, e, alpha});
            }
          }
        }
      }
      default -> throw new IllegalArgumentException("no grid for form " + form);
    }
    return out;
  }

  private static double[] range(double from, double to, double step) {
    int n = (int) Math.round((to - from) / step) + 1;
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i * step;
    }
    return v;
  }
}
