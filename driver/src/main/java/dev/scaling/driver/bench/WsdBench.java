package dev.scaling.driver.bench;

import static dev.scaling.driver.bench.BenchTable.fmt;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.spark.GraphRunner;
import dev.scaling.driver.spark.HadoopConfs;
import dev.scaling.driver.spark.SweepRunner;
import dev.scaling.driver.spark.TaskGraphRun;
import dev.scaling.driver.spark.Trained;
import dev.scaling.driver.spark.TrialExecutor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The wsd section of the bench: trains the cosine Markov example and its wsd twin (the same grid
 * with branched cooldowns) one after the other in one Spark application, and compares the FLOPs and
 * wall time spent, the final held-out losses point by point, and the task graph's makespan against
 * its lower bound. The master is {@code $SWEEP_MASTER}, else {@code local[*]}, as for {@code
 * ./sweep run}.
 */
final class WsdBench {
  static final double TARGET_COMPUTE = 0.70;
  static final double TARGET_MAKESPAN = 1.10;

  /**
   * What the section measured.
   *
   * @param computeRatio FLOPs trained by the wsd sweep / by the cosine sweep
   * @param wallRatio wall seconds of the wsd sweep / of the cosine sweep
   * @param meanRelativeLossDifference mean over points of (wsd - cosine) / cosine final eval loss
   * @param pointsBetter points where the wsd branch ended below the cosine run
   * @param points points compared
   * @param makespanRatio the wsd graph's makespan / its lower bound
   * @param idleSlotSeconds slot-seconds of the wsd makespan no task used
   */
  record WsdResult(
      double computeRatio,
      double wallRatio,
      double meanRelativeLossDifference,
      int pointsBetter,
      int points,
      double makespanRatio,
      double idleSlotSeconds) {}

  private final Path examples;
  private final PrintStream log;

  /**
   * @param examples the folder holding markov.yaml and markov-wsd.yaml
   * @param log where progress goes
   */
  WsdBench(Path examples, PrintStream log) {
    this.examples = examples;
    this.log = log;
  }

  /** Adds the wsd rows; returns the result, or null when the example specs are missing. */
  WsdResult run(List<Row> rows) {
    Path cosineSpec = examples.resolve("markov.yaml");
    Path wsdSpec = examples.resolve("markov-wsd.yaml");
    if (!Files.isRegularFile(cosineSpec) || !Files.isRegularFile(wsdSpec)) {
      rows.add(
          new Row(
              "wsd",
              "compute wsd / cosine markov",
              "n/a",
              "n/a",
              "n/a",
              "<= 0.70x",
              "SKIPPED",
              "no " + cosineSpec + " and " + wsdSpec + " (run from the repository root)"));
      return null;
    }
    try {
      Path work = Files.createTempDirectory("sweep-bench-wsd");
      SparkSession spark =
          SparkSession.builder()
              .appName("sweep bench wsd")
              .master(System.getenv().getOrDefault("SWEEP_MASTER", "local[*]"))
              .config("spark.ui.enabled", "false")
              .getOrCreate();
      try {
        Plan cosine = Planner.plan(SpecParser.parse(cosineSpec));
        Plan wsd = Planner.plan(SpecParser.parse(wsdSpec));
        log.printf(Locale.ROOT, "wsd bench: training the cosine markov example (%s)%n", work);
        long t0 = System.nanoTime();
        Trained cos =
            new SweepRunner()
                .train(spark, cosine, cosine.trials(), settings(work.resolve("cosine"), log));
        double cosineSeconds = (System.nanoTime() - t0) / 1e9;
        log.println("wsd bench: training its wsd twin");
        long t1 = System.nanoTime();
        Trained branched =
            new GraphRunner().train(spark, wsd, wsd.trials(), settings(work.resolve("wsd"), log));
        double wsdSeconds = (System.nanoTime() - t1) / 1e9;
        return rows(cos.outcomes(), cosineSeconds, branched, wsdSeconds, rows);
      } finally {
        spark.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("the wsd bench failed: " + e.getMessage(), e);
    }
  }

  /** Executor settings of one bench sweep: no checkpoints, progress to the bench's log. */
  private static TrialExecutor.Settings settings(Path out, PrintStream log) {
    return new TrialExecutor.Settings(out.toUri().toString(), 0, HadoopConfs.forDriver(), log);
  }

  private static WsdResult rows(
      List<TrialOutcome> cosine,
      double cosineSeconds,
      Trained graphRun,
      double wsdSeconds,
      List<Row> rows) {
    TaskGraphRun wsd = graphRun.graph();
    List<TrialOutcome> wsdOutcomes = graphRun.outcomes();
    double cosineFlops =
        cosine.stream()
            .mapToDouble(o -> 6.0 * o.trial().nParams() * o.result().tokensTrained())
            .sum();
    double computeRatio = wsd.flopsSpent() / cosineFlops;
    // Points are matched by grid coordinates: the two sweeps' trial ids differ (other schedule).
    Map<String, Double> cosineLoss = new HashMap<>();
    for (TrialOutcome o : cosine) {
      if (o.result().status() == TrialStatus.FINISHED) {
        cosineLoss.put(point(o), o.result().finalEvalLoss());
      }
    }
    double sum = 0;
    int n = 0;
    int better = 0;
    for (TrialOutcome o : wsdOutcomes) {
      Double c = cosineLoss.get(point(o));
      if (c != null && o.result().status() == TrialStatus.FINISHED) {
        double rel = (o.result().finalEvalLoss() - c) / c;
        sum += rel;
        n++;
        better += rel < 0 ? 1 : 0;
      }
    }
    double meanRel = n == 0 ? Double.NaN : sum / n;
    double makespanRatio = wsd.makespanSeconds() / wsd.lowerBoundSeconds();
    rows.add(
        new Row(
            "wsd",
            "compute wsd / cosine markov (FLOPs)",
            fmt(wsd.flopsSpent()),
            fmt(cosineFlops),
            fmt(computeRatio) + "x",
            "<= 0.70x",
            computeRatio <= TARGET_COMPUTE ? "MEETS" : "MISSES",
            "6N x tokens actually trained: trunks to their last fork plus every cooldown"));
    rows.add(
        new Row(
            "wsd",
            "wall wsd / cosine markov s",
            fmt(wsdSeconds),
            fmt(cosineSeconds),
            fmt(wsdSeconds / cosineSeconds) + "x",
            "report",
            "REPORTED",
            "both trained in this run, one after the other, on " + wsd.slots() + " slot(s)"));
    rows.add(
        new Row(
            "wsd",
            "final eval loss, wsd branch vs cosine run (mean relative difference)",
            String.format(Locale.ROOT, "%+.4f", meanRel),
            "0",
            "",
            "report (parity or better expected)",
            "REPORTED",
            better + " of " + n + " points lower with wsd; 20% 1-sqrt cooldown"));
    rows.add(
        new Row(
            "wsd",
            "wsd makespan vs task-graph lower bound s",
            fmt(wsd.makespanSeconds()),
            fmt(wsd.lowerBoundSeconds()),
            fmt(makespanRatio) + "x",
            "<= 1.10x",
            makespanRatio <= TARGET_MAKESPAN ? "MEETS" : "MISSES",
            "bound = max(work / slots, longest trunk-plus-branch path), measured task times; idle "
                + fmt(wsd.idleSlotSeconds())
                + " slot-s"));
    return new WsdResult(
        computeRatio,
        wsdSeconds / cosineSeconds,
        meanRel,
        better,
        n,
        makespanRatio,
        wsd.idleSlotSeconds());
  }

  private static String point(TrialOutcome o) {
    return o.trial().width()
        + "x"
        + o.trial().depth()
        + "@"
        + o.trial().tokens()
        + "/"
        + o.trial().replica();
  }
}
