package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks whether a table's design can separate the laws' parameters: enough rows, enough distinct N
 * and D, and N and D not moving together (a constant tokens-per-parameter ratio makes alpha and
 * beta unidentifiable).
 */
public final class Identifiability {
  /** Fewer distinct values of N or D than this draws a warning. */
  public static final int MIN_DISTINCT = 4;

  /** Rows per Chinchilla parameter below which the fit is called under-determined. */
  public static final int MIN_ROWS_PER_PARAM = 3;

  /** A spread of log10(D/N) below this (a factor of 2) means one tokens-per-parameter ratio. */
  public static final double MIN_RATIO_SPREAD_LOG10 = Math.log10(2);

  /** |corr(log N, log D)| above this means N and D are collinear in the design. */
  public static final double MAX_ABS_CORRELATION = 0.95;

  private Identifiability() {}

  /** The warnings for the rows, empty when the design looks fine. */
  public static List<IdentifiabilityWarning> check(List<ScalingPoint> points) {
    List<IdentifiabilityWarning> out = new ArrayList<>();
    int n = points.size();
    if (n < 5 * MIN_ROWS_PER_PARAM) {
      out.add(
          new IdentifiabilityWarning(
              IdentifiabilityWarning.Kind.TOO_FEW_POINTS,
              String.format(
                  Locale.ROOT,
                  "%d rows for a 5-parameter law; at least %d are needed to fit and judge it",
                  n,
                  5 * MIN_ROWS_PER_PARAM)));
    }
    if (n == 0) {
      return out;
    }
    double[] ln = points.stream().mapToDouble(p -> Math.log(p.n())).toArray();
    double[] ld = points.stream().mapToDouble(p -> Math.log(p.d())).toArray();
    int dn = distinct(ln);
    int dd = distinct(ld);
    if (dn < MIN_DISTINCT) {
      out.add(
          new IdentifiabilityWarning(
              IdentifiabilityWarning.Kind.FEW_DISTINCT_N,
              String.format(
                  Locale.ROOT,
                  "only %d distinct model sizes N (at least %d needed to pin alpha and A)",
                  dn,
                  MIN_DISTINCT)));
    }
    if (dd < MIN_DISTINCT) {
      out.add(
          new IdentifiabilityWarning(
              IdentifiabilityWarning.Kind.FEW_DISTINCT_D,
              String.format(
                  Locale.ROOT,
                  "only %d distinct token counts D (at least %d needed to pin beta and B)",
                  dd,
                  MIN_DISTINCT)));
    }
    double[] ratio = new double[n];
    for (int i = 0; i < n; i++) {
      ratio[i] = (ld[i] - ln[i]) / Math.log(10);
    }
    double[] sorted = ratio.clone();
    Arrays.sort(sorted);
    double spread = sorted[n - 1] - sorted[0];
    if (n > 1 && spread < MIN_RATIO_SPREAD_LOG10) {
      out.add(
          new IdentifiabilityWarning(
              IdentifiabilityWarning.Kind.CONSTANT_TOKENS_PER_PARAM,
              String.format(
                  Locale.ROOT,
                  "every row has about the same tokens per parameter: D/N from %.3g to %.3g (median %.3g),"
                      + " so N and D move together and alpha and beta cannot be separated",
                  Math.pow(10, sorted[0]),
                  Math.pow(10, sorted[n - 1]),
                  Math.pow(10, sorted[n / 2]))));
    } else {
      double corr = correlation(ln, ld);
      if (Math.abs(corr) > MAX_ABS_CORRELATION) {
        out.add(
            new IdentifiabilityWarning(
                IdentifiabilityWarning.Kind.COLLINEAR_N_D,
                String.format(
                    Locale.ROOT,
                    "log N and log D are nearly collinear (correlation %.4f, limit %.2f): the exponents are"
                        + " poorly separated",
                    corr,
                    MAX_ABS_CORRELATION)));
      }
    }
    return out;
  }

  static int distinct(double[] logs) {
    double[] s = logs.clone();
    Arrays.sort(s);
    int count = s.length == 0 ? 0 : 1;
    for (int i = 1; i < s.length; i++) {
      if (s[i] - s[i - 1] > 1e-6) {
        count++;
      }
    }
    return count;
  }

  static double correlation(double[] x, double[] y) {
    int n = x.length;
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }
}
