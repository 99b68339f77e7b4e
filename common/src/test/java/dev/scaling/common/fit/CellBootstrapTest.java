package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap resamples (N, D) cells with all their rows, and the objective sums a cell's rows in
 * one exact step: duplicating every row of a table must not narrow its intervals, and a table with
 * many replicates per cell is fitted to the optimum of the row-by-row Huber objective.
 */
class CellBootstrapTest {
  private static final FitOptions OPTIONS =
      FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(200, 11L);

  private static List<ScalingPoint> times(List<ScalingPoint> rows, int copies) {
    List<ScalingPoint> out = new ArrayList<>();
    for (ScalingPoint p : rows) {
      for (int k = 0; k < copies; k++) {
        out.add(p);
      }
    }
    return out;
  }

  @Test
  void bootstrap_fiveTimesDuplicatedTableKeepsTheOriginalIntervalWidths() {
    List<ScalingPoint> table = Synthetic.crossed(Synthetic.CHINCHILLA, 6, 6, 0.02, 5);
    ScalingFitter fitter = new ScalingFitter(OPTIONS);
    BootstrapResult once = fitter.bootstrap(fitter.fit(LawForm.CHINCHILLA, table), table);
    List<ScalingPoint> dup = times(table, 5);
    BootstrapResult fives = fitter.bootstrap(fitter.fit(LawForm.CHINCHILLA, dup), dup);
    for (String p : List.of("E", "alpha", "beta")) {
      double w1 = once.get(p).hi() - once.get(p).lo();
      double w5 = fives.get(p).hi() - fives.get(p).lo();
      // A row bootstrap of the 180 rows gives about 1/sqrt(5) = 0.45 of the width.
      assertTrue(w1 > 0, p + " interval " + once.get(p));
      assertTrue(
          Math.abs(w5 / w1 - 1) < 0.25, p + ": widths " + w1 + " (once) and " + w5 + " (5x)");
    }
  }

  /** log L = LSE of the Chinchilla terms, Huber on the residual: written out row by row. */
  private static double naiveObjective(ChinchillaParams c, List<ScalingPoint> rows, double delta) {
    double f = 0;
    for (ScalingPoint q : rows) {
      double r =
          Math.log(c.e() + c.a() / Math.pow(q.n(), c.alpha()) + c.b() / Math.pow(q.d(), c.beta()))
              - Math.log(q.loss());
      double ar = Math.abs(r);
      f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
    }
    return f;
  }

  @Test
  void fit_manyReplicatesPerCellReachesTheRowByRowOptimum() {
    // 5 x 5 cells, 400 rows each (10 000 rows), noise 0.01 >> delta 1e-3: most residuals are in the
    // linear part of the Huber loss, where replacing a cell by its mean would not be exact.
    Random rng = new Random(3);
    List<ScalingPoint> rows = new ArrayList<>();
    for (ScalingPoint cell : Synthetic.crossed(Synthetic.CHINCHILLA, 5, 5, 0, 1)) {
      for (int k = 0; k < 400; k++) {
        rows.add(
            new ScalingPoint(
                cell.n(), cell.d(), cell.loss() * Math.exp(0.01 * rng.nextGaussian())));
      }
    }
    ScalingFitter fitter = new ScalingFitter(OPTIONS);
    FitResult fit = fitter.fit(LawForm.CHINCHILLA, rows);
    assertEquals(rows.size(), fit.nPoints());
    ChinchillaParams best = (ChinchillaParams) fit.params();
    double naive = naiveObjective(best, rows, OPTIONS.huberDelta());
    assertEquals(naive, fit.objective(), 1e-9 * naive, "objective of the fit vs row by row");
    assertEquals(naive, fitter.objective(best, rows), 1e-9 * naive);
    // No nearby point is better on the row-by-row objective (relative steps of 1e-3 per parameter).
    double[] v = {best.e(), best.a(), best.b(), best.alpha(), best.beta()};
    for (int i = 0; i < 5; i++) {
      for (double s : new double[] {-1e-3, 1e-3}) {
        double[] w = v.clone();
        w[i] *= 1 + s;
        double other =
            naiveObjective(new ChinchillaParams(w[0], w[1], w[2], w[3], w[4]), rows, 1e-3);
        assertTrue(other >= naive * (1 - 1e-9), "parameter " + i + " step " + s + ": " + other);
      }
    }
  }
}
