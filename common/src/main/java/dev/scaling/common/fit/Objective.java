package dev.scaling.common.fit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The fitter's objective for any {@link Law} written as log L_hat = LSE_k(u_k) (or theta[p] * LSE):
 * the weighted sum over rows of Huber_delta(log L_hat - log L), with its analytic gradient. Rows
 * come as {@link Cells}: one row each, or grouped by (N, D) cell, whose rows share a prediction and
 * are summed exactly in one step. Weights (per row, or per cell) multiply each row's Huber loss: a
 * bootstrap's integer multiplicities, or real-valued row weights (a predicted point counted by its
 * precision), so a bootstrap resample is the same objective with other weights.
 *
 * <p>One fused pass, whatever the law: scaling tables are grids (every model size trained at
 * several token counts), so a term of log N is evaluated and exponentiated once per distinct N, a
 * term of log D once per distinct D and a constant term once, each relative to the largest term m
 * over all rows. A row then costs one log and one division: lse = m + log(sum of its terms'
 * exponentials), and its gradient weight c = w huber'(r) / sum is summed per distinct N, per
 * distinct D and for the constants; each term turns those sums into its gradient in one call. A row
 * whose sum underflowed against m is redone relative to its own largest term.
 */
final class Objective implements Bfgs.Function {
  /**
   * Below this a row's sum of exponentials (taken relative to the largest term over all rows) has
   * lost precision to underflow; such a row is evaluated relative to its own largest term instead.
   */
  static final double TINY = 1e-280;

  private static final int N = 0;
  private static final int D = 1;
  private static final int C = 2;

  private final Cells cells;
  private final double[] weight;
  private final double delta;
  private final int dim;
  private final int outer;
  private final Term[] terms;

  /** Per term: its group (N, D or constant). */
  private final int[] group;

  /**
   * Per term: the offset of its values u in the scratch; exponentials follow, then coefficients.
   */
  private final int[] off;

  /** Per group: the distinct values of its variable ({0} for the constants). */
  private final double[][] x;

  /**
   * Per group: where its per-value sums of exponentials and gradient weights start in the scratch.
   */
  private final int[] sumOff;

  private final int[] cOff;

  /** Per term: whether it is the only term of its group (its exponentials are the group's sums). */
  private final boolean[] alone;

  /** Where the scratch that every evaluation zeroes starts. */
  private final int zeroFrom;

  private final int[] nIndex;
  private final int[] dIndex;

  /** Scratch slot where rows redone on their own add to the outer power's gradient. */
  private final int outerSlot;

  /** Scratch slot where {@link Cells#huber} leaves a cell's slope. */
  private final int slopeSlot;

  private final int scratchSize;

  /** Read-only ones, the weights of coefficients that already include them. */
  private final double[] ones;

  Objective(Law law, double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
    this(law, Cells.rows(logN, logD, logL), weight, delta);
  }

  /**
   * The objective over a table's (N, D) cells: {@code weight[c]} multiplies every row of cell c
   * (the number of times a cluster bootstrap drew it), each cell's rows summed exactly by {@link
   * Cells#huber}.
   */
  Objective(Law law, Cells cells, double[] weight, double delta) {
    double[] logN = cells.logN;
    double[] logD = cells.logD;
    this.cells = cells;
    this.weight = weight;
    this.delta = delta;
    this.dim = law.dim();
    this.outer = law.outerPower();
    List<Term> list = law.terms();
    this.terms = list.toArray(new Term[0]);
    nIndex = new int[logN.length];
    dIndex = new int[logD.length];
    x = new double[][] {distinct(logN, nIndex), distinct(logD, dIndex), {0.0}};
    group = new int[terms.length];
    off = new int[terms.length];
    int at = 0;
    for (int k = 0; k < terms.length; k++) {
      group[k] =
          switch (terms[k].variable()) {
            case N -> N;
            case D -> D;
            case NONE -> C;
          };
      off[k] = at;
      at += 3 * x[group[k]].length;
    }
    sumOff = new int[3];
    cOff = new int[3];
    zeroFrom = at;
    for (int g = 0; g < 3; g++) {
      sumOff[g] = at;
      at += x[g].length;
      cOff[g] = at;
      at += x[g].length;
    }
    // A group of one term (the usual case) sums its exponentials where the term stores them.
    alone = new boolean[terms.length];
    for (int k = 0; k < terms.length; k++) {
      int g = group[k];
      long inGroup = Arrays.stream(group).filter(q -> q == g).count();
      if (inGroup == 1) {
        alone[k] = true;
        sumOff[g] = off[k] + x[g].length;
      }
    }
    outerSlot = at;
    slopeSlot = at + 1;
    scratchSize = at + 2;
    ones = new double[Math.max(x[N].length, Math.max(x[D].length, 1))];
    Arrays.fill(ones, 1.0);
  }

  /** Dimension of the parameter vector. */
  @Override
  public int dim() {
    return dim;
  }

  /**
   * Working space for {@link #valueAndGradient(double[], double[], double[])}: one per thread (an
   * objective is shared by the parallel runs of a multi-start, so it keeps no mutable state).
   */
  @Override
  public double[] scratch() {
    return new double[scratchSize];
  }

  /** The objective at {@code t}; writes the gradient into {@code grad} (allocates its scratch). */
  double valueAndGradient(double[] t, double[] grad) {
    return valueAndGradient(t, grad, scratch());
  }

  /** The objective alone. */
  double value(double[] t) {
    return valueAndGradient(t, new double[dim]);
  }

  /**
   * The objective at {@code t}; writes the gradient into {@code g}, using {@code sc}. Not finite
   * (with a zero gradient) where a term overflows or is NaN.
   */
  @Override
  public double valueAndGradient(double[] t, double[] g, double[] sc) {
    int nt = terms.length;
    double m = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < nt; k++) {
      m = Math.max(m, terms[k].values(t, x[group[k]], x[group[k]].length, sc, off[k]));
    }
    Arrays.fill(g, 0);
    if (!Double.isFinite(m)) {
      return Double.POSITIVE_INFINITY;
    }
    Arrays.fill(sc, zeroFrom, scratchSize, 0);
    for (int k = 0; k < nt; k++) {
      int len = x[group[k]].length;
      int u = off[k];
      int e = u + len;
      if (alone[k]) {
        for (int j = 0; j < len; j++) {
          sc[e + j] = Math.exp(sc[u + j] - m);
        }
      } else {
        int s = sumOff[group[k]];
        for (int j = 0; j < len; j++) {
          double v = Math.exp(sc[u + j] - m);
          sc[e + j] = v;
          sc[s + j] += v;
        }
      }
    }
    int sn = sumOff[N];
    int sd = sumOff[D];
    int cn = cOff[N];
    int cd = cOff[D];
    double sumC = sc[sumOff[C]];
    double cC = 0;
    double p = outer >= 0 ? t[outer] : 1.0;
    double gOuter = 0;
    boolean fallback = false;
    double f = 0;
    double del = delta;
    for (int i = 0; i < nIndex.length; i++) {
      double w = weight[i];
      if (w == 0) {
        continue;
      }
      int j = nIndex[i];
      int k = dIndex[i];
      double s = sc[sn + j] + sc[sd + k] + sumC;
      if (!(s >= TINY)) {
        if (!fallback) {
          fallback = true;
          for (int q = 0; q < nt; q++) {
            int len = x[group[q]].length;
            Arrays.fill(sc, off[q] + 2 * len, off[q] + 3 * len, 0);
          }
        }
        f += rowOnItsOwn(i, j, k, p, sc);
        continue;
      }
      double lse = m + Math.log(s);
      f += w * cells.huber(i, p * lse, del, sc, slopeSlot);
      double ws = w * sc[slopeSlot];
      gOuter += ws * lse;
      double c = ws * p / s;
      sc[cn + j] += c;
      sc[cd + k] += c;
      cC += c;
    }
    sc[cOff[C]] = cC;
    for (int q = 0; q < nt; q++) {
      int len = x[group[q]].length;
      int e = off[q] + len;
      int cg = cOff[group[q]];
      if (fallback) {
        // Rows redone on their own left their weights per term: fold them in, then weight by 1.
        int co = e + len;
        for (int j = 0; j < len; j++) {
          sc[co + j] += sc[e + j] * sc[cg + j];
        }
        terms[q].addGradient(t, x[group[q]], len, sc, co, ones, 0, g);
      } else {
        terms[q].addGradient(t, x[group[q]], len, sc, e, sc, cg, g);
      }
    }
    if (outer >= 0) {
      g[outer] += gOuter + sc[outerSlot];
    }
    return f;
  }

  /**
   * Row {@code i} relative to its own largest term (its sum underflowed against the global one):
   * returns its Huber loss and adds its gradient weights into the terms' coefficient slots.
   */
  private double rowOnItsOwn(int i, int j, int k, double p, double[] sc) {
    int nt = terms.length;
    double mr = Double.NEGATIVE_INFINITY;
    for (int q = 0; q < nt; q++) {
      mr = Math.max(mr, sc[off[q] + index(q, j, k)]);
    }
    double s = 0;
    for (int q = 0; q < nt; q++) {
      s += Math.exp(sc[off[q] + index(q, j, k)] - mr);
    }
    double lse = mr + Math.log(s);
    double w = weight[i];
    double loss = cells.huber(i, p * lse, delta, sc, slopeSlot);
    double ws = w * sc[slopeSlot];
    // The outer power's gradient goes through the coefficient slots too: see valueAndGradient.
    double c = ws * p / s;
    for (int q = 0; q < nt; q++) {
      int len = x[group[q]].length;
      int at = off[q] + 2 * len + index(q, j, k);
      sc[at] += c * Math.exp(sc[off[q] + index(q, j, k)] - mr);
    }
    sc[outerSlot] += ws * lse;
    return w * loss;
  }

  private int index(int q, int j, int k) {
    return switch (group[q]) {
      case N -> j;
      case D -> k;
      default -> 0;
    };
  }

  /**
   * Per term, its largest share exp(u_k)/sum_q exp(u_q) of a row's sum over the rows with weight: a
   * term below a tiny share everywhere has gone to its bound (its scale at 0).
   */
  double[] maxShares(double[] t) {
    int nt = terms.length;
    double[] sc = scratch();
    for (int k = 0; k < nt; k++) {
      terms[k].values(t, x[group[k]], x[group[k]].length, sc, off[k]);
    }
    double[] share = new double[nt];
    for (int i = 0; i < nIndex.length; i++) {
      if (weight[i] == 0) {
        continue;
      }
      double mr = Double.NEGATIVE_INFINITY;
      for (int q = 0; q < nt; q++) {
        mr = Math.max(mr, sc[off[q] + index(q, nIndex[i], dIndex[i])]);
      }
      double s = 0;
      for (int q = 0; q < nt; q++) {
        s += Math.exp(sc[off[q] + index(q, nIndex[i], dIndex[i])] - mr);
      }
      for (int q = 0; q < nt; q++) {
        share[q] =
            Math.max(share[q], Math.exp(sc[off[q] + index(q, nIndex[i], dIndex[i])] - mr) / s);
      }
    }
    return share;
  }

  /**
   * Distinct values of {@code v}, in first-seen order; {@code index[i]} receives the position of
   * {@code v[i]} among them.
   */
  static double[] distinct(double[] v, int[] index) {
    HashMap<Double, Integer> seen = new HashMap<>();
    double[] out = new double[v.length];
    int k = 0;
    for (int i = 0; i < v.length; i++) {
      Integer at = seen.get(v[i]);
      if (at == null) {
        at = k;
        out[k++] = v[i];
        seen.put(v[i], at);
      }
      index[i] = at;
    }
    return Arrays.copyOf(out, k);
  }
}
