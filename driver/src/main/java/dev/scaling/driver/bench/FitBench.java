package dev.scaling.driver.bench;

import static dev.scaling.common.fit.Quantiles.median;
import static dev.scaling.driver.bench.BenchTable.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.driver.bench.BenchReport.FitComparison;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

/**
 * The fit section of the bench: a deterministic 240-row Chinchilla table fitted by our {@link
 * ScalingFitter} and by scipy's L-BFGS-B ({@code bench/scipy_fit.py}) from the same start grid with
 * the same objective.
 */
final class FitBench {
  static final double TARGET_FIT_SPEEDUP = 10.0;

  private final boolean quick;
  private final PythonEnv py;
  private final Path dir;
  private final PrintStream log;

  /**
   * @param quick the coarse start grid and fewer repeats
   * @param py the Python peers found
   * @param dir the folder of scipy_fit.py
   * @param log where progress lines go
   */
  FitBench(boolean quick, PythonEnv py, Path dir, PrintStream log) {
    this.quick = quick;
    this.py = py;
    this.dir = dir;
    this.log = log;
  }

  /** Chinchilla's published fit (Hoffmann et al. 2022), the truth behind the 240-row table. */
  static final ChinchillaParams TRUTH = new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28);

  /** 12 model sizes (1e7..1e10) x 20 token counts (1e9..1e12), loss times exp(0.01 z), seeded. */
  static List<ScalingPoint> fitTable() {
    SplittableRandom random = new SplittableRandom(20240917L);
    List<ScalingPoint> rows = new ArrayList<>(240);
    for (int i = 0; i < 12; i++) {
      double n = Math.pow(10, 7 + 3.0 * i / 11);
      for (int j = 0; j < 20; j++) {
        double d = Math.pow(10, 9 + 3.0 * j / 19);
        rows.add(
            new ScalingPoint(n, d, TRUTH.predict(n, d) * Math.exp(0.01 * random.nextGaussian())));
      }
    }
    return rows;
  }

  /** Adds the fit rows and returns the comparison. */
  FitComparison run(List<Row> rows) {
    StartGrid grid = quick ? StartGrid.COARSE : StartGrid.FULL;
    String gridName = grid.name().toLowerCase(Locale.ROOT);
    List<ScalingPoint> table = fitTable();
    FitOptions options = FitOptions.defaults().withGrid(grid).withBootstrap(0, 1);
    ScalingFitter fitter = new ScalingFitter(options);
    fitter.fit(LawForm.CHINCHILLA, table); // warm the JIT
    int repeats = quick ? 3 : 5;
    double[] secs = new double[repeats];
    FitResult ours = null;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      ours = fitter.fit(LawForm.CHINCHILLA, table);
      secs[i] = (System.nanoTime() - t0) / 1e9;
    }
    double oursSec = median(secs);
    int threads = ForkJoinPool.commonPool().getParallelism() + 1;
    // Like for like with single-threaded scipy: the same fit with its parallel streams on a
    // 1-thread pool.
    double[] secs1 = new double[quick ? 1 : 3];
    ForkJoinPool single = new ForkJoinPool(1);
    try {
      for (int i = 0; i < secs1.length; i++) {
        long t0 = System.nanoTime();
        single.submit(() -> fitter.fit(LawForm.CHINCHILLA, table)).get();
        secs1[i] = (System.nanoTime() - t0) / 1e9;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the 1-thread fit failed: " + e.getCause(), e.getCause());
    } finally {
      single.shutdown();
    }
    double oursSec1 = median(secs1);
    double scipySec = Double.NaN;
    double scipyObj = Double.NaN;
    String scipyNote;
    if (py.scipy() != null) {
      try {
        Path csv = Files.createTempFile("bench-fit-240-", ".csv");
        StringBuilder sb = new StringBuilder("n,d,loss\n");
        for (ScalingPoint p : table) {
          sb.append(p.n()).append(',').append(p.d()).append(',').append(p.loss()).append('\n');
        }
        Files.writeString(csv, sb.toString());
        JsonNode s =
            PythonPeers.scipyFit(py.executable(), dir, csv, options.huberDelta(), gridName);
        Files.deleteIfExists(csv);
        scipySec = s.get("seconds").asDouble();
        scipyObj = s.get("objective").asDouble();
        scipyNote =
            String.format(
                Locale.ROOT,
                "scipy %s L-BFGS-B, 1 thread, %d objective evaluations: E=%.4f A=%.1f B=%.1f alpha=%.4f beta=%.4f",
                s.get("scipy").asText(),
                s.get("evaluations").asLong(),
                s.get("E").asDouble(),
                s.get("A").asDouble(),
                s.get("B").asDouble(),
                s.get("alpha").asDouble(),
                s.get("beta").asDouble());
      } catch (IOException e) {
        throw new UncheckedIOException("the scipy fit failed: " + e.getMessage(), e);
      }
    } else {
      scipyNote = "SKIPPED: python3-scipy missing; install with: " + py.missing();
    }
    ChinchillaParams p = (ChinchillaParams) ours.params();
    String oursNote =
        String.format(
            Locale.ROOT,
            "ours (BFGS multi-start + polish, %d threads): E=%.4f A=%.1f B=%.1f "
                + "alpha=%.4f beta=%.4f; truth E=1.69 A=406.4 B=410.7 alpha=0.34 beta=0.28",
            threads,
            p.e(),
            p.a(),
            p.b(),
            p.alpha(),
            p.beta());
    String item =
        table.size()
            + " rows, "
            + ours.starts()
            + " starts ("
            + gridName
            + "), delta "
            + options.huberDelta();
    log.printf(
        "fit %s: ours %.3f s objective %.6g; scipy %s s objective %s%n",
        item, oursSec, ours.objective(), fmt(scipySec), fmt(scipyObj));
    boolean haveScipy = !Double.isNaN(scipySec);
    double speedup = scipySec / oursSec;
    rows.add(
        new Row(
            "fit",
            item + " seconds",
            fmt(oursSec),
            haveScipy ? fmt(scipySec) : "n/a",
            haveScipy ? fmt(speedup) + "x" : "n/a",
            ">= 10x",
            haveScipy ? (speedup >= TARGET_FIT_SPEEDUP ? "MEETS" : "MISSES") : "SKIPPED",
            oursNote));
    rows.add(
        new Row(
            "fit",
            item + " seconds, ours on 1 thread",
            fmt(oursSec1),
            haveScipy ? fmt(scipySec) : "n/a",
            haveScipy ? fmt(scipySec / oursSec1) + "x" : "n/a",
            "",
            "INFO",
            "like for like with single-threaded scipy (the fitter's parallel streams on a 1-thread pool)"));
    boolean noLarger = ours.objective() <= scipyObj * (1 + 1e-9) + 1e-15;
    rows.add(
        new Row(
            "fit",
            item + " best objective",
            String.format(Locale.ROOT, "%.9g", ours.objective()),
            haveScipy ? String.format(Locale.ROOT, "%.9g", scipyObj) : "n/a",
            "",
            "ours <= scipy",
            haveScipy ? (noLarger ? "MEETS" : "MISSES") : "SKIPPED",
            scipyNote));
    return new FitComparison(
        table.size(),
        ours.starts(),
        gridName,
        options.huberDelta(),
        oursSec,
        ours.objective(),
        scipySec,
        scipyObj,
        threads);
  }
}
