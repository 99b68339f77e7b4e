package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.report.chart.ChartBudget;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.spark.ResultTables;
import dev.scaling.worker.Engines;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a 10 000-trial run (10 widths x 5 depths x 20 token counts x 10 seeds, losses from a
 * known Chinchilla law, 20-point curves): the tables on Spark {@code local[2]}, the final fit and
 * the report, with their sizes asserted and their times printed (never asserted). The fit's
 * bootstrap is {@code -Dscale.bootstrap} (20 by default here, to keep the suite quick; 1000 is the
 * default of {@code ./sweep run} and what the scale bench's figures use).
 */
class EndOfRunScaleTest {
  /** Bound on the report of a 10 000-trial sweep: 229 MB before charts were bounded. */
  static final long REPORT_MAX_BYTES = 8L << 20;

  @Test
  void endOfRun_tenThousandTrials_tablesFitAndABoundedReport(@TempDir Path dir) throws Exception {
    List<TrialOutcome> all = ScaleOutcomes.ladder(20, 10);
    assertEquals(10_000, all.size());
    long failed = all.stream().filter(o -> o.result().status() == TrialStatus.FAILED).count();
    assertEquals(10_000 / ScaleOutcomes.FAILED_EVERY, failed);
    String out = dir.toUri().toString();

    Engines.configure(1);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("EndOfRunScaleTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    try {
      long t0 = System.nanoTime();
      ResultTables.write(spark, all, out);
      double tables = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      ResultTables.write(spark, all, out);
      System.out.printf(
          "tables_s: %.2f (first write, cold Spark), %.2f (again)%n",
          tables, (System.nanoTime() - t0) / 1e9);
      assertEquals(10_000, spark.read().parquet(out + "/trials").count());
      // Failed trials have no curve; every other trial 20 points.
      assertEquals(
          (10_000 - failed) * ScaleOutcomes.CURVE_POINTS,
          spark.read().parquet(out + "/curves").count());
    } finally {
      spark.stop();
    }

    int boot = Integer.getInteger("scale.bootstrap", 20);
    long c0 = cpu();
    long t0 = System.nanoTime();
    FitOutcome fit =
        SweepLaws.fitAndReport(
            all,
            out,
            new Configuration(),
            FitOptions.defaults().withBootstrap(boot, 7),
            new SweepLaws.FitGate());
    long size = Files.size(fit.report());
    System.out.printf(
        "fit_s: %.2f (process CPU %.2f s, bootstrap %d, fit and report), report %.2f MB%n",
        (System.nanoTime() - t0) / 1e9, (cpu() - c0) / 1e9, boot, size / 1e6);
    assertTrue(size < REPORT_MAX_BYTES, size + " bytes");
    // The law the losses follow is found (seeds' noise 0.01 nats over 9 900 trials).
    assertEquals(ScaleOutcomes.ALPHA, alpha(fit), 0.01);
    String html = Files.readString(fit.report());
    assertTrue(html.contains("to keep the page light"), "a thinned chart says so");
    PageCharts.of(html)
        .forEach(
            c -> {
              long names = c.series().stream().map(s -> s.name()).distinct().count();
              long points = c.series().stream().mapToLong(s -> s.points().size()).sum();
              assertTrue(names <= ChartBudget.MAX_SERIES, c.title() + ": " + names);
              assertTrue(points <= ChartBudget.MAX_POINTS + 2L * names, c.title() + ": " + points);
            });
  }

  private static double alpha(FitOutcome fit) {
    return fit.analysis().fits().stream()
        .filter(f -> f.fit().form() == dev.scaling.common.fit.LawForm.CHINCHILLA)
        .findFirst()
        .orElseThrow()
        .fit()
        .params()
        .named()
        .get("alpha");
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
