package dev.scaling.driver.bench;

import static dev.scaling.common.fit.Quantiles.median;
import static dev.scaling.driver.bench.BenchTable.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveFitter;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.schedule.WsdSchedule;
import dev.scaling.common.spec.CooldownShape;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The curve-law section of the bench (row "curve-law fit"): the Multi-Power Law fitted by our
 * {@link CurveFitter} to 44 sweep-like learning curves of about 1000 logged rows each, and the same
 * fit by scipy's L-BFGS-B ({@code bench/scipy_curve_fit.py}: the paper's per-step sums in numpy,
 * analytic gradient) from the same starts with the same objective; the ratio of their times is
 * printed with both objectives.
 */
final class CurveBench {
  /** The target: the 44-curve fit in under 10 s on 2 cores. */
  static final double TARGET_SECONDS = 10.0;

  /** The published 25M parameters of Luo et al. 2025 (L0, A, alpha, B, C, beta, gamma). */
  static final double[] TRUTH = {
    3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257
  };

  private final boolean quick;
  private final PythonEnv py;
  private final Path dir;
  private final PrintStream log;

  CurveBench(boolean quick, PythonEnv py, Path dir, PrintStream log) {
    this.quick = quick;
    this.py = py;
    this.dir = dir;
    this.log = log;
  }

  /**
   * 44 wsd curves shaped like the quickstart's branches: 4 "models" x 11 lengths from 2048 to 8192
   * steps, 64 warmup steps from 0 to the peak 3e-4 (the rate the published parameters were fitted
   * at), constant, then a 20% 1-sqrt cooldown to 0; a row every max(1, steps / 1000) steps with the
   * rate applied there; the loss from the published 25M law (evaluated per step, independently of
   * the fitter) times exp(0.002 z). The four models share the law (one fit over all 44 curves).
   */
  static List<Curve> curves(int count) {
    SplittableRandom random = new SplittableRandom(20250317L);
    List<Curve> out = new ArrayList<>(count);
    for (int c = 0; c < count; c++) {
      int length = c % 11;
      long steps = Math.round(2048 * Math.pow(4, length / 10.0));
      WsdSchedule schedule =
          new WsdSchedule(
              3e-4, steps, 64, WsdSchedule.forkStep(steps, 0.2), 0.0, CooldownShape.ONE_MINUS_SQRT);
      long every = Math.max(1, steps / 1000);
      double[] perStep = new double[(int) steps + 1];
      perStep[0] = 0;
      for (int s = 1; s <= steps; s++) {
        perStep[s] = schedule.at(s - 1); // the rate of update s, applied to reach step s
      }
      double[] loss = slowMpl(perStep, TRUTH);
      int rows = (int) ((steps + every - 1) / every) + 1; // every `every` steps, and the last
      long[] st = new long[rows];
      double[] lr = new double[rows];
      double[] l = new double[rows];
      for (int i = 0; i < rows; i++) {
        long s = Math.min(steps, i * every);
        st[i] = s;
        lr[i] = perStep[(int) s];
        l[i] = s == 0 ? Double.NaN : loss[(int) s] * Math.exp(0.002 * random.nextGaussian());
      }
      out.add(new Curve("run" + c, st, lr, l));
    }
    return out;
  }

  /**
   * The law at every step of a per-step schedule, by its definition: O(t) per step, O(t^2) in all,
   * only over steps whose rate changed (fine for the bench's few thousand steps).
   */
  static double[] slowMpl(double[] eta, double[] p) {
    int n = eta.length;
    double[] s1 = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += eta[i];
      s1[i] = sum;
    }
    List<Integer> changes = new ArrayList<>();
    for (int k = 1; k < n; k++) {
      if (eta[k] != eta[k - 1]) {
        changes.add(k);
      }
    }
    double[] out = new double[n];
    for (int t = 1; t < n; t++) {
      double ld = 0;
      for (int k : changes) {
        if (k > t) {
          break;
        }
        double x =
            eta[k] == 0 ? Double.POSITIVE_INFINITY : Math.pow(eta[k], -p[6]) * (s1[t] - s1[k - 1]);
        double g = 1 - Math.pow(p[4] * x + 1, -p[5]);
        ld += (eta[k - 1] - eta[k]) * g;
      }
      out[t] = p[0] + p[1] * Math.pow(s1[t], -p[2]) - p[3] * ld;
    }
    return out;
  }

  /** Adds the curve-law rows. */
  void run(List<Row> rows) {
    int count = quick ? 11 : 44;
    List<Curve> curves = curves(count);
    int logged = curves.stream().mapToInt(Curve::loggedLosses).sum();
    CurveFitOptions options = CurveFitOptions.defaults(0, 20250317L);
    CurveFitter.fit(CurveLawForm.MPL, curves.subList(0, Math.min(4, count)), options); // JIT
    int repeats = quick ? 1 : 3;
    double[] secs = new double[repeats];
    CurveFit ours = null;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      ours = CurveFitter.fit(CurveLawForm.MPL, curves, options);
      secs[i] = (System.nanoTime() - t0) / 1e9;
    }
    double oursSec = median(secs);
    double[] p = ours.params();
    String item = count + " curves, " + logged + " logged rows, MPL";
    String oursNote =
        String.format(
            Locale.ROOT,
            "ours (%d threads): objective %.6g; L0=%.4f A=%.4f alpha=%.4f B=%.1f C=%.3f beta=%.4f"
                + " gamma=%.4f; truth 3.0405 0.5247 0.5079 363.8 2.066 0.5828 0.6414",
            options.threads(),
            ours.objective(),
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            p[5],
            p[6]);
    double scipySec = Double.NaN;
    double scipyObj = Double.NaN;
    String scipyNote;
    if (py.scipy() != null) {
      try {
        Path csv = Files.createTempFile("bench-curves-", ".csv");
        StringBuilder sb = new StringBuilder("run,step,lr,loss\n");
        for (Curve c : curves) {
          for (int i = 0; i < c.steps().length; i++) {
            double l = c.loss()[i];
            sb.append(c.run())
                .append(',')
                .append(c.steps()[i])
                .append(',')
                .append(c.lr()[i])
                .append(',')
                .append(Double.isNaN(l) ? "" : Double.toString(l))
                .append('\n');
          }
        }
        Files.writeString(csv, sb.toString());
        JsonNode s = PythonPeers.scipyCurveFit(py.executable(), dir, csv, options.huberDelta());
        Files.deleteIfExists(csv);
        scipySec = s.get("seconds").asDouble();
        scipyObj = s.get("objective").asDouble();
        scipyNote =
            String.format(
                Locale.ROOT,
                "scipy %s L-BFGS-B, 1 thread, %d starts, %d evaluations, objective %.6g",
                s.get("scipy").asText(),
                s.get("starts").asInt(),
                s.get("evaluations").asLong(),
                scipyObj);
      } catch (IOException e) {
        throw new UncheckedIOException("the scipy curve fit failed: " + e.getMessage(), e);
      }
    } else {
      scipyNote = "SKIPPED: python3-scipy missing; install with: " + py.missing();
    }
    log.printf(
        "curve-law fit %s: ours %.3f s objective %.6g; scipy %s s objective %s%n",
        item, oursSec, ours.objective(), fmt(scipySec), fmt(scipyObj));
    boolean haveScipy = !Double.isNaN(scipySec);
    rows.add(
        new Row(
            "curve-law fit",
            item + " seconds",
            fmt(oursSec),
            haveScipy ? fmt(scipySec) : "n/a",
            haveScipy ? fmt(scipySec / oursSec) + "x" : "n/a",
            quick ? "" : "< 10 s",
            quick ? "INFO" : (oursSec < TARGET_SECONDS ? "MEETS" : "MISSES"),
            oursNote));
    boolean noLarger = ours.objective() <= scipyObj * (1 + 1e-6) + 1e-12;
    rows.add(
        new Row(
            "curve-law fit",
            item + " best objective",
            String.format(Locale.ROOT, "%.9g", ours.objective()),
            haveScipy ? String.format(Locale.ROOT, "%.9g", scipyObj) : "n/a",
            "",
            "ours <= scipy",
            haveScipy ? (noLarger ? "MEETS" : "MISSES") : "SKIPPED",
            scipyNote));
  }
}
