package dev.scaling.common.fit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of a table grouped by (N, D) cell, with each cell's log losses sorted and prefix-summed,
 * so that the Huber loss of one prediction against all of a cell's rows, and its slope, cost two
 * binary searches instead of one pass over the rows. This is exact, not an approximation: for a
 * prediction r and rows y_i, the rows with |r - y_i| <= delta contribute 0.5 sum (r - y_i)^2 (their
 * count, sum and sum of squares), the rows below and above contribute delta (|r - y_i| - delta/2)
 * (their count and sum). Values are stored relative to the cell's mean to keep the sums small.
 *
 * <p>Because every row of a cell shares its prediction, a weight per cell (a cluster bootstrap's
 * multiplicity) scales the whole cell's loss; a table of 10^6 rows in 100 cells costs an objective
 * evaluation of about 100 rows.
 */
final class Cells {
  /** Per cell: log N and log D. */
  final double[] logN;

  final double[] logD;

  /** Per cell: its number of rows. */
  final int[] count;

  /** Per cell: the mean of its log losses, which its stored values are relative to. */
  private final double[] center;

  /** Per cell: where its sorted values start in {@link #y}; prefix sums start at start + cell. */
  private final int[] start;

  private final double[] y;
  private final double[] p1;
  private final double[] p2;

  private Cells(double[] logN, double[] logD, double[][] losses) {
    int cells = logN.length;
    this.logN = logN;
    this.logD = logD;
    count = new int[cells];
    center = new double[cells];
    start = new int[cells];
    int total = 0;
    for (int c = 0; c < cells; c++) {
      start[c] = total;
      count[c] = losses[c].length;
      total += count[c];
    }
    y = new double[total];
    p1 = new double[total + cells];
    p2 = new double[total + cells];
    for (int c = 0; c < cells; c++) {
      double[] v = losses[c].clone();
      Arrays.sort(v);
      double mean = 0;
      for (double x : v) {
        mean += x;
      }
      mean /= v.length;
      center[c] = mean;
      int q = start[c] + c;
      for (int i = 0; i < v.length; i++) {
        double a = v[i] - mean;
        y[start[c] + i] = a;
        p1[q + i + 1] = p1[q + i] + a;
        p2[q + i + 1] = p2[q + i] + a * a;
      }
    }
  }

  /** Every row its own cell, in row order (weights stay per row). */
  static Cells rows(double[] logN, double[] logD, double[] logL) {
    double[][] losses = new double[logL.length][];
    for (int i = 0; i < logL.length; i++) {
      losses[i] = new double[] {logL[i]};
    }
    return new Cells(logN, logD, losses);
  }

  /** Rows grouped by identical (log N, log D), cells in the order of their first row. */
  static Cells group(double[] logN, double[] logD, double[] logL) {
    Map<Key, Integer> index = new HashMap<>();
    int[] cellOf = new int[logL.length];
    int[] sizes = new int[logL.length];
    double[] cn = new double[logL.length];
    double[] cd = new double[logL.length];
    int cells = 0;
    for (int i = 0; i < logL.length; i++) {
      Key k = new Key(logN[i], logD[i]);
      Integer c = index.get(k);
      if (c == null) {
        c = cells++;
        index.put(k, c);
        cn[c] = logN[i];
        cd[c] = logD[i];
      }
      cellOf[i] = c;
      sizes[c]++;
    }
    double[][] losses = new double[cells][];
    for (int c = 0; c < cells; c++) {
      losses[c] = new double[sizes[c]];
    }
    int[] filled = new int[cells];
    for (int i = 0; i < logL.length; i++) {
      int c = cellOf[i];
      losses[c][filled[c]++] = logL[i];
    }
    return new Cells(Arrays.copyOf(cn, cells), Arrays.copyOf(cd, cells), losses);
  }

  private record Key(double n, double d) {}

  /**
   * Per cell of {@link #group} (same cells, same order), the mean of {@code rowValues} over its
   * rows: a cell's weight when rows carry weights.
   */
  static double[] meanPerCell(double[] logN, double[] logD, double[] rowValues) {
    Map<Key, Integer> index = new HashMap<>();
    double[] sum = new double[rowValues.length];
    int[] rows = new int[rowValues.length];
    int cells = 0;
    for (int i = 0; i < rowValues.length; i++) {
      Key k = new Key(logN[i], logD[i]);
      Integer c = index.get(k);
      if (c == null) {
        c = cells++;
        index.put(k, c);
      }
      sum[c] += rowValues[i];
      rows[c]++;
    }
    double[] mean = new double[cells];
    for (int c = 0; c < cells; c++) {
      mean[c] = sum[c] / rows[c];
    }
    return mean;
  }

  /** The mean of cell {@code c}'s log losses. */
  double meanLog(int c) {
    return center[c];
  }

  /** Number of cells. */
  int size() {
    return count.length;
  }

  /**
   * The sum over cell {@code c}'s rows of Huber_delta(pred - log L_i); writes the sum of their
   * slopes (d/dpred) into {@code out[at]}.
   */
  double huber(int c, double pred, double delta, double[] out, int at) {
    int m = count[c];
    int s = start[c];
    double u = pred - center[c];
    if (m == 1) {
      double r = u - y[s];
      double ar = Math.abs(r);
      if (ar <= delta) {
        out[at] = r;
        return 0.5 * r * r;
      }
      out[at] = r > 0 ? delta : -delta;
      return delta * (ar - 0.5 * delta);
    }
    int lo = firstAtLeast(s, s + m, u - delta) - s;
    int hi = firstAbove(s, s + m, u + delta) - s;
    int q = s + c;
    double s1lo = p1[q + lo];
    double s1hi = p1[q + hi];
    double s1m = p1[q + m];
    double w1 = s1hi - s1lo;
    double w2 = p2[q + hi] - p2[q + lo];
    int k = hi - lo;
    double loss =
        0.5 * Math.max(0, k * u * u - 2 * u * w1 + w2)
            + delta * (lo * (u - 0.5 * delta) - s1lo)
            + delta * ((s1m - s1hi) - (m - hi) * (u + 0.5 * delta));
    out[at] = (k * u - w1) + delta * (lo - (m - hi));
    return loss;
  }

  /** First index in [from, to) whose value is >= x (to when none). */
  private int firstAtLeast(int from, int to, double x) {
    int a = from;
    int b = to;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (y[mid] < x) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return a;
  }

  /** First index in [from, to) whose value is > x (to when none). */
  private int firstAbove(int from, int to, double x) {
    int a = from;
    int b = to;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (y[mid] <= x) {
        a = mid + 1;
      } else {
        b = mid;
      }
    }
    return a;
  }
}
