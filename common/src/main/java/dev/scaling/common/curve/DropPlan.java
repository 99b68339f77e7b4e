package dev.scaling.common.curve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the loss-drop sums of one curve are evaluated fast: which steps each row sums one by one,
 * which blocks of steps it takes by a Taylor expansion, which rows read the far field from an
 * interpolant, and the blocks' moments. Built once per curve (it depends on the schedule only, not
 * on the parameters); {@link #evaluate} then costs about O(log t) blocks and a few chunks of steps
 * per row instead of t steps. The package documentation gives the scheme's outline and measured
 * error; this is the detail.
 *
 * <p>The sum at row t is D(t) = sum over k of g_k·H(y_k), with g_k = eta_(k-1) - eta_k, y_k =
 * -gamma·l_k + log(u - s_k), l_k = log eta_k, s_k = S1(k-1), u = S1(t) and H(y) = 1 - (1 +
 * C·e^y)^(-beta), so that H(y_k) = G(eta_k^(-gamma)·(u - s_k)).
 *
 * <p><b>Near steps and Taylor blocks.</b> The steps k with g_k != 0 and eta_k &gt; 0 are cut into
 * chunks of at most {@link #CHUNK} consecutive steps of one segment (between two rows), and a
 * balanced binary tree is built over the chunks. A tree node with centre (l_c, s_c) and half-widths
 * (a, b) of its steps' l and s is taken whole for a position u when it lies before it, a &lt;=
 * {@link #MAX_LOG_RATE_HALF_WIDTH} and b &lt;= {@link #MAX_DISTANCE_RATIO}·(u - s_c): then with Y =
 * -gamma·l_c + log(u - s_c), v = 1/(u - s_c), alpha_k = l_k - l_c, beta_k = s_k - s_c and delta_k =
 * -gamma·alpha_k + log(1 - beta_k·v),
 *
 * <pre>
 *   sum g_k H(Y + delta_k) ~ sum over p &lt;= P of H^(p)(Y)/p! · sum_k g_k delta_k^p,
 * </pre>
 *
 * expanded to total order {@link #ORDER} P in (alpha_k, beta_k·v): sum_k g_k delta_k^p is then a
 * polynomial in gamma and v whose coefficients are the node's moments sum_k g_k alpha_k^i beta_k^j,
 * i + j &lt;= P, computed exactly (per step) once. H^(p)(Y) = -q·P_p(z) with q = (1 + X)^(-beta), z
 * = X/(1 + X), X = C·e^Y and P_(p+1) = -beta·z·P_p + z(1 - z)·P_p', so a node costs one log and one
 * exp, as one step does. Otherwise the node's children are visited; a chunk that is not taken whole
 * is summed step by step, exactly. Steps with eta_k = 0 contribute g_k when u - s_k &gt; 0 and 0
 * otherwise, whatever the parameters, and are summed once here.
 *
 * <p><b>Far field.</b> The sum F_K(u) over all steps up to a step K is analytic in u off
 * (-infinity, s_ref], s_ref the S1 before K's last source (each term's only singularity is at 1 +
 * C·x = 0, left of its s_k), so it is analytic in the strip |Im w| &lt; pi of w = log(u - s_ref),
 * at any distance. At cuts (the first row of a stretch of segments without sources, and every
 * {@link #CUT_EVERY} rows of a stretch with them) the later rows' range of w is split into panels
 * of width at most {@link #PANEL_WIDTH}; a panel with at least {@link #PANEL_MIN_ROWS} rows gets
 * {@link #PANEL_POINTS} Chebyshev points, where F_K and its derivatives are evaluated as above
 * (queries at positions that are not rows), and its rows read them by barycentric interpolation and
 * sum only the steps after K. A row served by several cuts takes the latest.
 *
 * <p><b>Error.</b> The Taylor truncation of a node is about (|delta|/pi)^(P+1) of its contribution
 * at worst (H is analytic in |Im y| &lt; pi), |delta| &lt;= gamma·a - log(1 - b·v); measured on
 * blocks of the admitted shapes it is 1e-8 to 3e-8 of the block's contribution for gamma 0.3 to
 * 1.2, C 0.1 to 20, beta 0.3 to 1.5, and the blocks are each a fraction of the drop, itself a few
 * percent of the loss. The interpolation error is about rho^(-12) with rho = pi/0.75 + sqrt(1 +
 * (pi/0.75)^2) = 8.5, i.e. 1e-11 of the far field. The derivatives are those of the approximation,
 * so the optimiser sees one smooth, consistent function.
 */
final class DropPlan {
  /** Total order of the Taylor expansion. */
  static final int ORDER = 6;

  /** Most steps in a chunk (the leaves of the tree, summed step by step when not taken whole). */
  static final int CHUNK = 8;

  /** Largest half-width of log eta over a node taken whole. */
  static final double MAX_LOG_RATE_HALF_WIDTH = 0.45;

  /** Largest ratio of a node's half-width in S1 to the distance u - s_c to take it whole. */
  static final double MAX_DISTANCE_RATIO = 0.2;

  private static final int P = ORDER;
  private static final int NP = P + 1;

  /** (P+1)(P+2)/2 moments per node, index of (i, j) in {@link #MOMENT}. */
  private static final int[][] MOMENT = new int[NP][NP];

  private static final int MOMENTS;

  /** E[m][j]: the coefficient of x^j in log(1 - x)^m. */
  private static final double[][] LOG_POWERS = new double[NP][NP];

  private static final double[][] BINOMIAL = new double[NP][NP];
  private static final double[] INVERSE_FACTORIAL = new double[NP + 1];

  static {
    int m = 0;
    for (int i = 0; i <= P; i++) {
      for (int j = 0; i + j <= P; j++) {
        MOMENT[i][j] = m++;
      }
    }
    MOMENTS = m;
    double[] log = new double[NP];
    for (int j = 1; j <= P; j++) {
      log[j] = -1.0 / j;
    }
    LOG_POWERS[0][0] = 1;
    for (int k = 1; k <= P; k++) {
      for (int a = 0; a <= P; a++) {
        for (int b = 1; a + b <= P; b++) {
          LOG_POWERS[k][a + b] += LOG_POWERS[k - 1][a] * log[b];
        }
      }
    }
    for (int n = 0; n <= P; n++) {
      BINOMIAL[n][0] = 1;
      for (int k = 1; k <= n; k++) {
        BINOMIAL[n][k] = BINOMIAL[n - 1][k - 1] + (k <= n - 1 ? BINOMIAL[n - 1][k] : 0);
      }
    }
    double f = 1;
    for (int n = 0; n <= NP; n++) {
      f *= Math.max(n, 1);
      INVERSE_FACTORIAL[n] = 1 / f;
    }
  }

  /** Chebyshev points per interpolation panel of the far field. */
  static final int PANEL_POINTS = 12;

  /** Widest panel, in log(u - s_ref). */
  static final double PANEL_WIDTH = 1.5;

  /** Fewest rows for which a panel is interpolated rather than summed row by row. */
  static final int PANEL_MIN_ROWS = 2 * PANEL_POINTS;

  /** Rows between far-field cuts inside stretches of the schedule that change the rate. */
  static final int CUT_EVERY = 64;

  /** The (p, j, i) terms of the coefficients: slot p·(P+1) + j, power i of -gamma. */
  private static final int[] TERM_SLOT;

  private static final int[] TERM_POWER;

  /** Per term, C(p, i)·E[p-i][j]/p!, and the index of the moment (i, j) it multiplies. */
  private static final double[] TERM_FACTOR;

  private static final int[] TERM_MOMENT;

  static {
    IntList slot = new IntList();
    IntList power = new IntList();
    IntList moment = new IntList();
    List<Double> factor = new ArrayList<>();
    for (int p = 0; p <= P; p++) {
      for (int j = 0; j <= P; j++) {
        for (int i = 0; i <= p && i + j <= P; i++) {
          double e = LOG_POWERS[p - i][j];
          if (e != 0) {
            slot.add(p * NP + j);
            power.add(i);
            moment.add(MOMENT[i][j]);
            factor.add(BINOMIAL[p][i] * e * INVERSE_FACTORIAL[p]);
          }
        }
      }
    }
    TERM_SLOT = slot.toArray();
    TERM_POWER = power.toArray();
    TERM_MOMENT = moment.toArray();
    TERM_FACTOR = factor.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private final double[] logEta;
  private final double[] cum;
  private final double[] gap;
  private final int[] rowIndex;

  /** Chunks: their first and last step. */
  private final int[] chunkLo;

  private final int[] chunkHi;

  /** Nodes taken whole by some query, densely numbered: centre and coefficient terms. */
  private final double[] nodeLogRate;

  private final double[] nodeArea;
  private final double[] nodeTerms;

  /**
   * Queries, a sum over a range of steps at one position u: first one per row (the steps after its
   * far-field cut up to the row), then the far fields' interpolation points (the steps up to the
   * cut). Per query, the nodes it takes whole and the chunks it sums step by step (CSR).
   */
  private final double[] queryU;

  private final int[] takenStart;
  private final int[] taken;
  private final int[] exactStart;
  private final int[] exact;

  /** Per row: the first query of its far-field panel (-1: none) and the interpolation weights. */
  private final int[] panelQuery;

  private final double[] panelWeight;

  /** Per row: the sum of g_k over steps with eta_k = 0 and u - s_k &gt; 0. */
  private final double[] zeroRate;

  DropPlan(double[] eta, double[] logEta, double[] cum, int[] rowIndex) {
    this.logEta = logEta;
    this.cum = cum;
    this.rowIndex = rowIndex;
    int n = eta.length;
    int rows = rowIndex.length;
    this.gap = new double[n];
    List<Integer> zeroSteps = new ArrayList<>();
    IntList lo = new IntList();
    IntList hi = new IntList();
    // per row boundary r: the last step k <= rowIndex[r] with a positive rate and g_k != 0
    int[] lastSource = new int[rows];
    int last = -1;
    for (int r = 0; r + 1 < rows; r++) {
      int a = rowIndex[r];
      int b = rowIndex[r + 1];
      int first = -1;
      for (int k = a + 1; k <= b; k++) {
        double g = eta[k - 1] - eta[k];
        gap[k] = g;
        boolean source = g != 0 && eta[k] > 0;
        if (g != 0 && eta[k] == 0) {
          zeroSteps.add(k);
        }
        if (source) {
          last = k;
          if (first < 0) {
            first = k;
          }
        }
        if (first >= 0 && (!source || k - first + 1 == CHUNK || k == b)) {
          lo.add(first);
          hi.add(source ? k : k - 1);
          first = -1;
        }
      }
      lastSource[r + 1] = last;
    }
    lastSource[0] = -1;
    this.chunkLo = lo.toArray();
    this.chunkHi = hi.toArray();

    zeroRate = new double[rows];
    for (int r = 0; r < rows; r++) {
      int t = rowIndex[r];
      for (int k : zeroSteps) {
        if (k <= t && cum[t] - cum[k - 1] > 0) {
          zeroRate[r] += gap[k];
        }
      }
    }

    Tree tree = new Tree();
    int root = chunkLo.length == 0 ? -1 : tree.build(0, chunkLo.length - 1);

    // far-field cuts, latest first: rows after a cut may take the steps up to it from an
    // interpolant in log(u - s_ref) instead of summing them
    panelQuery = new int[rows];
    Arrays.fill(panelQuery, -1);
    panelWeight = new double[rows * PANEL_POINTS];
    int[] cutOf = new int[rows];
    Arrays.fill(cutOf, 0);
    List<double[]> virtualU = new ArrayList<>();
    List<Integer> virtualCut = new ArrayList<>();
    int virtualBase = rows;
    for (int a = rows - 1; a >= 1; a--) {
      boolean stretchStart = lastSource[a] >= 0 && isCutCandidate(a, lastSource);
      if (!stretchStart) {
        continue;
      }
      int k = lastSource[a];
      double ref = cum[k - 1];
      // the rows not yet served by a later cut
      IntList cand = new IntList();
      for (int r = a; r < rows; r++) {
        if (panelQuery[r] < 0) {
          cand.add(r);
        }
      }
      if (cand.size < PANEL_MIN_ROWS) {
        continue;
      }
      double wMin = Math.log(cum[rowIndex[cand.get(0)]] - ref);
      double wMax = Math.log(cum[rowIndex[cand.get(cand.size - 1)]] - ref);
      int panels = Math.max(1, (int) Math.ceil((wMax - wMin) / PANEL_WIDTH));
      double width = (wMax - wMin) / panels;
      int[] count = new int[panels];
      int[] panelOf = new int[cand.size];
      for (int i = 0; i < cand.size; i++) {
        double w = Math.log(cum[rowIndex[cand.get(i)]] - ref);
        int p = width > 0 ? Math.min(panels - 1, (int) ((w - wMin) / width)) : 0;
        panelOf[i] = p;
        count[p]++;
      }
      int[] firstQuery = new int[panels];
      for (int p = 0; p < panels; p++) {
        firstQuery[p] = -1;
        if (count[p] < PANEL_MIN_ROWS) {
          continue;
        }
        firstQuery[p] = virtualBase + virtualU.size() * PANEL_POINTS;
        double pLo = wMin + p * width;
        double[] us = new double[PANEL_POINTS];
        for (int j = 0; j < PANEL_POINTS; j++) {
          us[j] = ref + Math.exp(chebyshevPoint(pLo, pLo + width, j));
        }
        virtualU.add(us);
        virtualCut.add(rowIndex[a]);
      }
      for (int i = 0; i < cand.size; i++) {
        int p = panelOf[i];
        if (firstQuery[p] < 0) {
          continue;
        }
        int r = cand.get(i);
        panelQuery[r] = firstQuery[p];
        cutOf[r] = rowIndex[a];
        double pLo = wMin + p * width;
        double w = Math.log(cum[rowIndex[r]] - ref);
        barycentric(pLo, pLo + width, w, panelWeight, r * PANEL_POINTS);
      }
    }

    // the queries' interaction lists
    int queries = rows + virtualU.size() * PANEL_POINTS;
    queryU = new double[queries];
    takenStart = new int[queries + 1];
    exactStart = new int[queries + 1];
    int[] dense = new int[tree.size];
    Arrays.fill(dense, -1);
    IntList usedNodes = new IntList();
    IntList takenList = new IntList();
    IntList exactList = new IntList();
    IntList stack = new IntList();
    for (int q = 0; q < queries; q++) {
      int kMin;
      int kMax;
      if (q < rows) {
        queryU[q] = cum[rowIndex[q]];
        kMin = cutOf[q];
        kMax = rowIndex[q];
      } else {
        int v = (q - rows) / PANEL_POINTS;
        queryU[q] = virtualU.get(v)[(q - rows) % PANEL_POINTS];
        kMin = 0;
        kMax = virtualCut.get(v);
      }
      takenStart[q] = takenList.size;
      exactStart[q] = exactList.size;
      double u = queryU[q];
      if (root >= 0) {
        stack.add(root);
      }
      while (stack.size > 0) {
        int node = stack.pop();
        if (tree.kLo(node) > kMax || tree.kHi(node) <= kMin) {
          continue;
        }
        boolean inside = tree.kLo(node) > kMin && tree.kHi(node) <= kMax;
        if (inside && tree.admissible(node, u)) {
          if (dense[node] < 0) {
            dense[node] = usedNodes.size;
            usedNodes.add(node);
          }
          takenList.add(dense[node]);
        } else if (tree.left[node] < 0) {
          if (!inside) {
            throw new IllegalStateException("a chunk straddles a row: " + node);
          }
          exactList.add(tree.chunkOf[node]);
        } else {
          stack.add(tree.right[node]);
          stack.add(tree.left[node]);
        }
      }
    }
    takenStart[queries] = takenList.size;
    exactStart[queries] = exactList.size;
    this.taken = takenList.toArray();
    this.exact = exactList.toArray();

    int used = usedNodes.size;
    nodeLogRate = new double[used];
    nodeArea = new double[used];
    nodeTerms = new double[used * TERM_SLOT.length];
    double[] mom = new double[MOMENTS];
    double[] pa = new double[NP];
    double[] pb = new double[NP];
    for (int d = 0; d < used; d++) {
      int node = usedNodes.get(d);
      nodeLogRate[d] = tree.logRateCentre[node];
      nodeArea[d] = tree.areaCentre[node];
      Arrays.fill(mom, 0);
      for (int k = tree.kLo(node); k <= tree.kHi(node); k++) {
        double g = gap[k];
        if (g == 0 || eta[k] == 0) {
          continue;
        }
        double da = logEta[k] - nodeLogRate[d];
        double db = cum[k - 1] - nodeArea[d];
        pa[0] = g;
        pb[0] = 1;
        for (int i = 1; i <= P; i++) {
          pa[i] = pa[i - 1] * da;
          pb[i] = pb[i - 1] * db;
        }
        for (int i = 0; i <= P; i++) {
          for (int j = 0; i + j <= P; j++) {
            mom[MOMENT[i][j]] += pa[i] * pb[j];
          }
        }
      }
      int o = d * TERM_SLOT.length;
      for (int x = 0; x < TERM_SLOT.length; x++) {
        nodeTerms[o + x] = TERM_FACTOR[x] * mom[TERM_MOMENT[x]];
      }
    }
  }

  /**
   * Whether row a is a far-field cut: the start of a stretch of segments without sources (the steps
   * up to it then serve every later row, and the rows of the stretch need nothing else), or every
   * {@link #CUT_EVERY} rows where the rate changes.
   */
  private boolean isCutCandidate(int a, int[] lastSource) {
    boolean stretch = a + 1 < lastSource.length && lastSource[a + 1] == lastSource[a];
    boolean start = lastSource[a - 1] != lastSource[a];
    return (stretch && start) || (a % CUT_EVERY == 0 && start);
  }

  /** The j-th of {@link #PANEL_POINTS} Chebyshev points (first kind) of [lo, hi]. */
  private static double chebyshevPoint(double lo, double hi, int j) {
    return 0.5 * (lo + hi) + 0.5 * (hi - lo) * Math.cos(Math.PI * (j + 0.5) / PANEL_POINTS);
  }

  /** The barycentric interpolation weights at w of the Chebyshev points of [lo, hi]. */
  private static void barycentric(double lo, double hi, double w, double[] out, int o) {
    double sum = 0;
    for (int j = 0; j < PANEL_POINTS; j++) {
      double x = chebyshevPoint(lo, hi, j);
      double lambda = ((j & 1) == 0 ? 1 : -1) * Math.sin(Math.PI * (j + 0.5) / PANEL_POINTS);
      if (w == x) {
        Arrays.fill(out, o, o + PANEL_POINTS, 0);
        out[o + j] = 1;
        return;
      }
      out[o + j] = lambda / (w - x);
      sum += out[o + j];
    }
    for (int j = 0; j < PANEL_POINTS; j++) {
      out[o + j] /= sum;
    }
  }

  /** Nodes taken whole, over all queries (with repeats): the cost of an evaluation. */
  int takenCount() {
    return taken.length;
  }

  /** Chunks summed step by step, over all queries (with repeats). */
  int exactChunkCount() {
    return exact.length;
  }

  /** Nodes with moments. */
  int nodeCount() {
    return nodeLogRate.length;
  }

  /** Queries: one per row and the far fields' interpolation points. */
  int queryCount() {
    return queryU.length;
  }

  /** Per row: nodes taken whole and chunks summed, and whether it interpolates a far field. */
  int[][] perRow() {
    int rows = rowIndex.length;
    int[][] out = new int[rows][3];
    for (int r = 0; r < rows; r++) {
      out[r][0] = takenStart[r + 1] - takenStart[r];
      out[r][1] = exactStart[r + 1] - exactStart[r];
      out[r][2] = panelQuery[r] >= 0 ? 1 : 0;
    }
    return out;
  }

  /** Writes D and its derivatives in C, beta and gamma at every row into {@code out[4r..4r+3]}. */
  void evaluate(double c, double beta, double gamma, double[] out) {
    int used = nodeLogRate.length;
    int slots = NP * NP;
    int stride = 2 * slots + 1;
    int queries = queryU.length;
    double[] work = Scratch.get(Scratch.DROP_PLAN, used * stride + 4 * queries);
    int qBase = used * stride;
    // per node: e^(-gamma l_c), then A[p][j] = (1/p!) sum_i C(p,i) (-gamma)^i E[p-i][j] M[i][j]
    // and its derivative in gamma
    double[] powG = new double[NP];
    double[] dPowG = new double[NP];
    powG[0] = 1;
    for (int i = 1; i <= P; i++) {
      powG[i] = powG[i - 1] * -gamma;
      dPowG[i] = -i * powG[i - 1];
    }
    int terms = TERM_SLOT.length;
    for (int d = 0; d < used; d++) {
      int o = d * stride;
      work[o] = Math.exp(-gamma * nodeLogRate[d]);
      Arrays.fill(work, o + 1, o + stride, 0);
      int t = d * terms;
      for (int x = 0; x < terms; x++) {
        double m = nodeTerms[t + x];
        int i = TERM_POWER[x];
        work[o + 1 + TERM_SLOT[x]] += powG[i] * m;
        work[o + 1 + slots + TERM_SLOT[x]] += dPowG[i] * m;
      }
    }
    // P_p(z) for p = 0..P+1 (degree p) and D_p = dP_p/dbeta, coefficients low to high
    int pw = NP + 2;
    double[] poly = new double[(NP + 1) * pw];
    double[] dPoly = new double[(NP + 1) * pw];
    poly[0] = 1;
    for (int p = 0; p < NP; p++) {
      int a = p * pw;
      int b = (p + 1) * pw;
      for (int k = 0; k <= p; k++) {
        // P_{p+1} = -beta z P_p + z P_p' - z^2 P_p'
        poly[b + k + 1] += -beta * poly[a + k];
        dPoly[b + k + 1] += -poly[a + k] - beta * dPoly[a + k];
        if (k >= 1) {
          poly[b + k] += k * poly[a + k];
          poly[b + k + 1] -= k * poly[a + k];
          dPoly[b + k] += k * dPoly[a + k];
          dPoly[b + k + 1] -= k * dPoly[a + k];
        }
      }
    }
    double[] h = new double[NP + 1];
    double[] hb = new double[NP];
    double[] tv = new double[NP];
    double[] dt = new double[NP];
    for (int q = 0; q < queries; q++) {
      double u = queryU[q];
      double v0 = 0;
      double vc = 0;
      double vb = 0;
      double vg = 0;
      for (int x = takenStart[q]; x < takenStart[q + 1]; x++) {
        int d = taken[x];
        int o = d * stride;
        double dist = u - nodeArea[d];
        double w = 1 / dist;
        double big = c * work[o] * dist;
        if (big == Double.POSITIVE_INFINITY) {
          v0 += work[o + 1];
          continue;
        }
        double l1 = big > 1e-3 ? Math.log(1 + big) : Math.log1p(big);
        double qq = Math.exp(-beta * l1);
        double z = big / (1 + big);
        h[0] = 1 - qq;
        hb[0] = l1 * qq;
        for (int p = 1; p <= NP; p++) {
          int a = p * pw;
          double s = poly[a + p];
          for (int k = p - 1; k >= 0; k--) {
            s = s * z + poly[a + k];
          }
          h[p] = -qq * s;
          if (p <= P) {
            double ds = dPoly[a + p];
            for (int k = p - 1; k >= 0; k--) {
              ds = ds * z + dPoly[a + k];
            }
            hb[p] = qq * (l1 * s - ds);
          }
        }
        for (int p = 0; p <= P; p++) {
          int a = o + 1 + p * NP;
          int da = a + slots;
          double s = work[a + P];
          double ds = work[da + P];
          for (int j = P - 1; j >= 0; j--) {
            s = s * w + work[a + j];
            ds = ds * w + work[da + j];
          }
          tv[p] = s;
          dt[p] = ds;
        }
        double lc = nodeLogRate[d];
        for (int p = 0; p <= P; p++) {
          v0 += h[p] * tv[p];
          vc += h[p + 1] * tv[p];
          vb += hb[p] * tv[p];
          vg += h[p] * dt[p] - lc * h[p + 1] * tv[p];
        }
      }
      for (int x = exactStart[q]; x < exactStart[q + 1]; x++) {
        int ch = exact[x];
        for (int k = chunkLo[ch]; k <= chunkHi[ch]; k++) {
          double g = gap[k];
          if (g == 0) {
            continue;
          }
          double big = c * Math.exp(-gamma * logEta[k]) * (u - cum[k - 1]);
          if (big == Double.POSITIVE_INFINITY) {
            v0 += g;
            continue;
          }
          double l1 = big > 1e-3 ? Math.log(1 + big) : Math.log1p(big);
          double qq = Math.exp(-beta * l1);
          double z = big / (1 + big);
          double gq = g * qq;
          v0 += g - gq;
          vc += beta * gq * z;
          vb += l1 * gq;
          vg -= beta * gq * z * logEta[k];
        }
      }
      int o = qBase + 4 * q;
      work[o] = v0;
      work[o + 1] = vc / c;
      work[o + 2] = vb;
      work[o + 3] = vg;
    }
    for (int r = 0; r < rowIndex.length; r++) {
      int o = qBase + 4 * r;
      double v0 = work[o] + zeroRate[r];
      double vc = work[o + 1];
      double vb = work[o + 2];
      double vg = work[o + 3];
      int first = panelQuery[r];
      if (first >= 0) {
        int wo = r * PANEL_POINTS;
        for (int j = 0; j < PANEL_POINTS; j++) {
          double wj = panelWeight[wo + j];
          int f = qBase + 4 * (first + j);
          v0 += wj * work[f];
          vc += wj * work[f + 1];
          vb += wj * work[f + 2];
          vg += wj * work[f + 3];
        }
      }
      out[4 * r] = v0;
      out[4 * r + 1] = vc;
      out[4 * r + 2] = vb;
      out[4 * r + 3] = vg;
    }
  }

  /** The binary tree over chunks, with what admissibility needs. */
  private final class Tree {
    int size;
    int[] left = new int[16];
    int[] right = new int[16];
    int[] chunkOf = new int[16];
    int[] firstChunk = new int[16];
    int[] lastChunk = new int[16];
    double[] logRateCentre = new double[16];
    double[] logRateHalf = new double[16];
    double[] areaCentre = new double[16];
    double[] areaHalf = new double[16];

    int kLo(int node) {
      return chunkLo[firstChunk[node]];
    }

    int kHi(int node) {
      return chunkHi[lastChunk[node]];
    }

    boolean admissible(int node, double u) {
      double dist = u - areaCentre[node];
      return logRateHalf[node] <= MAX_LOG_RATE_HALF_WIDTH
          && dist > 0
          && areaHalf[node] <= MAX_DISTANCE_RATIO * dist;
    }

    int build(int first, int last) {
      int node = size++;
      if (node == left.length) {
        int m = 2 * node;
        left = Arrays.copyOf(left, m);
        right = Arrays.copyOf(right, m);
        chunkOf = Arrays.copyOf(chunkOf, m);
        firstChunk = Arrays.copyOf(firstChunk, m);
        lastChunk = Arrays.copyOf(lastChunk, m);
        logRateCentre = Arrays.copyOf(logRateCentre, m);
        logRateHalf = Arrays.copyOf(logRateHalf, m);
        areaCentre = Arrays.copyOf(areaCentre, m);
        areaHalf = Arrays.copyOf(areaHalf, m);
      }
      firstChunk[node] = first;
      lastChunk[node] = last;
      double lMin;
      double lMax;
      if (first == last) {
        left[node] = -1;
        right[node] = -1;
        chunkOf[node] = first;
        lMin = Double.POSITIVE_INFINITY;
        lMax = Double.NEGATIVE_INFINITY;
        for (int k = chunkLo[first]; k <= chunkHi[first]; k++) {
          lMin = Math.min(lMin, logEta[k]);
          lMax = Math.max(lMax, logEta[k]);
        }
      } else {
        int mid = (first + last) >>> 1;
        int l = build(first, mid);
        int r = build(mid + 1, last);
        left[node] = l;
        right[node] = r;
        chunkOf[node] = -1;
        lMin = Math.min(logRateCentre[l] - logRateHalf[l], logRateCentre[r] - logRateHalf[r]);
        lMax = Math.max(logRateCentre[l] + logRateHalf[l], logRateCentre[r] + logRateHalf[r]);
      }
      logRateCentre[node] = 0.5 * (lMin + lMax);
      logRateHalf[node] = 0.5 * (lMax - lMin);
      double sLo = cum[chunkLo[first] - 1];
      double sHi = cum[chunkHi[last] - 1];
      areaCentre[node] = 0.5 * (sLo + sHi);
      areaHalf[node] = 0.5 * (sHi - sLo);
      return node;
    }
  }

  /** A growable int array. */
  static final class IntList {
    int[] a = new int[16];
    int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, 2 * size);
      }
      a[size++] = v;
    }

    int pop() {
      return a[--size];
    }

    int get(int i) {
      return a[i];
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
