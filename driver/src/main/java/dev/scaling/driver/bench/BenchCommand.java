package dev.scaling.driver.bench;

import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.OptionRules;
import dev.scaling.driver.bench.BenchReport.FitComparison;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.ScheduleResult;
import dev.scaling.driver.bench.scale.ScaleBench;
import dev.scaling.driver.bench.scale.ScaleResult;
import dev.scaling.worker.Engines;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sweep bench [--quick]}: the speed benchmark of issue #6. It parses the options, runs the
 * sections in order and prints their rows as one table, written as CSV under {@code bench/results/}
 * ({@link BenchTable}):
 *
 * <ol>
 *   <li>Trainer and MFU ({@link TrainerBench}): our DJL trainer against a PyTorch twin of the same
 *       model, and each shape's achieved FLOP/s against a 1024^3 matmul through DJL's libtorch on
 *       one thread.
 *   <li>Fit ({@link FitBench}): a deterministic 240-row Chinchilla table fitted by our fitter and
 *       by scipy; then the hyperparameter-law fit of 100 runs in 10 cells ({@link HparamsBench}).
 *   <li>Curve-law fit ({@link CurveBench}): the Multi-Power Law fitted to 44 sweep-like learning
 *       curves of about 1000 logged rows each, by our curve fitter and by scipy the paper's way.
 *   <li>Schedule ({@link ScheduleBench}): a quickstart OUT's makespan against its lower bound.
 *   <li>Noise scale ({@link NoiseScaleBench}, run after the trainer section): the per-step cost of
 *       measuring the gradient noise scale, and of 2 microbatches against 1, on the quickstart's
 *       largest shape.
 *   <li>Scale ({@link ScaleBench}): 200 stand-in trials on 16 slots of a local standalone cluster;
 *       {@code --scale TRIALS [--slots K]} runs only scale cases (docs/scale.md).
 * </ol>
 *
 * <p>Nothing is ever installed: a missing python3-torch, OpenBLAS or python3-scipy turns the rows
 * that need it into visible SKIPPED rows that print the apt-get line needed.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the trainer against a PyTorch twin, the fitter against scipy, and a sweep's schedule.")
public final class BenchCommand implements Callable<Integer> {
  /** The sections {@code --skip} can leave out. */
  enum Section {
    TRAINER,
    FIT,
    CURVES,
    SCHEDULE,
    WSD,
    NOISE,
    SCALE
  }

  @Option(
      names = "--quick",
      description = "fewer shapes and repeats, the coarse start grid (under 3 minutes)")
  boolean quick;

  @Option(
      names = "--shapes",
      split = ",",
      converter = BenchShape.Converter.class,
      description = "shapes as WIDTHxDEPTH, e.g. 64x2,128x3 (default by mode)")
  List<BenchShape> shapes;

  @Option(
      names = "--rounds",
      converter = OptionRules.PositiveInt.class,
      description = "alternating DJL/twin rounds per shape (default 3, quick 1)")
  Integer rounds;

  @Option(
      names = "--sweep-out",
      description = "a finished quickstart OUT to analyse (default out/quickstart if present)")
  Path sweepOut;

  @Option(
      names = "--slots",
      converter = OptionRules.PositiveInt.class,
      description =
          "trial slots the sweep ran with (default: the largest overlap of its trials); with"
              + " --scale, the cluster's task slots (default: 64 and 256, one case each)")
  Integer slots;

  @Option(
      names = "--scale",
      converter = OptionRules.PositiveInt.class,
      description =
          "run only the scale bench: this many stand-in trials (a multiple of 25) on a local"
              + " standalone cluster of --slots slots (docs/scale.md)")
  Integer scale;

  @Option(
      names = "--stand-in-seconds",
      description = "with --scale: the stand-in's mean sleep per trial (default 2)")
  double standInSeconds = 2.0;

  @Option(
      names = "--scale-dir",
      description =
          "with --scale: where OUT, the spec, the cluster's state and the driver log go (kept;"
              + " default a temporary folder, removed afterwards)")
  Path scaleDir;

  @Option(
      names = "--no-render",
      description = "with --scale: do not load the Sweep page in headless Chromium")
  boolean noRender;

  @Option(
      names = "--skip",
      split = ",",
      description =
          "sections to skip: trainer, fit, curves, schedule, wsd (wsd trains two quickstarts),"
              + " noise, scale (200 stand-in trials on a local cluster)")
  List<Section> skip = new ArrayList<>();

  @Option(names = "--results-dir", description = "where the CSV goes (default bench/results)")
  Path resultsDir;

  @Option(
      names = "--python",
      description =
          "use only this Python interpreter (default: the first complete one of "
              + "$SWEEP_BENCH_PYTHON, python3, /usr/bin/python3)")
  String python;

  @Option(
      names = "--bench-dir",
      description = "folder of torch_twin.py and scipy_fit.py (default: found from here)")
  Path benchDir;

  private final PrintStream log = System.out;

  /** The scale case of the default table: small, a minute or so. */
  static final int DEFAULT_SCALE_TRIALS = 200;

  static final int DEFAULT_SCALE_SLOTS = 16;
  static final double DEFAULT_SCALE_SECONDS = 0.5;

  /**
   * Parses {@code args} as the command line does and runs the benchmark, printing to standard
   * output.
   */
  public static BenchReport run(String... args) {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return cmd.measure();
  }

  @Override
  public Integer call() {
    measure();
    return 0;
  }

  BenchReport measure() {
    if (benchDir != null && !Files.isRegularFile(benchDir.resolve("torch_twin.py"))) {
      throw new SpecException(
          "--bench-dir", "a folder holding torch_twin.py and scipy_fit.py", benchDir.toString());
    }
    if (resultsDir != null && Files.exists(resultsDir) && !Files.isDirectory(resultsDir)) {
      throw new SpecException("--results-dir", "a folder", resultsDir + " (a file)");
    }
    String stamp =
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = benchDir != null ? benchDir : PythonPeers.findBenchDir();
    if (scale != null) {
      return measureScale(stamp, dir);
    }
    Engines.configure(1);
    Engines.applyThreadsToCurrentThread();
    List<Row> rows = new ArrayList<>();

    PythonEnv py = PythonPeers.probe(python);
    log.print(PythonPeers.summary(py));
    rows.add(PythonPeers.row(py));

    TrainerBench.Result trainer =
        new TrainerBench(
                quick,
                shapes != null ? shapes : TrainerBench.defaultShapes(quick),
                rounds != null ? rounds : (quick ? 1 : 3),
                py,
                dir,
                log)
            .run(!skip.contains(Section.TRAINER), rows);
    if (!skip.contains(Section.NOISE)) {
      new NoiseScaleBench(quick, Path.of("examples"), log).run(rows);
    }
    FitComparison fit =
        skip.contains(Section.FIT) ? null : new FitBench(quick, py, dir, log).run(rows);
    if (!skip.contains(Section.FIT)) {
      rows.add(HparamsBench.row());
    }
    if (!skip.contains(Section.CURVES)) {
      new CurveBench(quick, py, dir, log).run(rows);
    }
    ScheduleResult schedule =
        skip.contains(Section.SCHEDULE) ? null : new ScheduleBench(sweepOut, slots).run(rows);
    if (!skip.contains(Section.SCHEDULE)) {
      rows.add(EstimateBench.row(sweepOut));
    }
    if (!skip.contains(Section.WSD)) {
      new WsdBench(Path.of("examples"), log).run(rows);
    }
    if (!skip.contains(Section.SCALE)) {
      rows.addAll(
          scaleCase(DEFAULT_SCALE_TRIALS, DEFAULT_SCALE_SLOTS, DEFAULT_SCALE_SECONDS, null).rows);
    }

    Path results = resultsDir != null ? resultsDir : dir.resolve("results");
    Path csv = results.resolve("bench-" + stamp + (quick ? "-quick" : "") + ".csv");
    BenchTable.writeCsv(rows, csv);
    log.println();
    log.print(BenchTable.toTable(rows));
    log.println("written: " + csv);
    return new BenchReport(
        stamp,
        quick,
        py,
        trainer.shapes(),
        trainer.peakGflops(),
        fit,
        schedule,
        List.copyOf(rows),
        csv);
  }

  /** One scale case's rows: its figures, or one row saying why it could not run. */
  private record ScaleCase(ScaleResult result, List<Row> rows) {}

  private ScaleCase scaleCase(int trials, int caseSlots, double seconds, Path work) {
    ScaleBench.Options defaults = ScaleBench.Options.of(trials, caseSlots, seconds);
    ScaleBench.Options options =
        new ScaleBench.Options(
            trials,
            caseSlots,
            seconds,
            work,
            work != null,
            defaults.pollSeconds(),
            defaults.heapSampleSeconds(),
            !noRender,
            defaults.root());
    long t0 = System.nanoTime();
    try {
      ScaleResult r = new ScaleBench(options, log).run();
      log.printf(
          Locale.ROOT, "[scale %s] done in %.0fs%n", r.name(), (System.nanoTime() - t0) / 1e9);
      return new ScaleCase(r, ScaleBench.rows(r));
    } catch (Exception e) {
      e.printStackTrace(log);
      return new ScaleCase(
          null,
          List.of(
              new Row(
                  "scale",
                  trials + "x" + caseSlots,
                  "FAILED",
                  "",
                  "",
                  "",
                  "MISS",
                  String.valueOf(e).replace('\n', ' '))));
    }
  }

  /** {@code --scale}: the scale cases only, their table, CSV and JSON. */
  private BenchReport measureScale(String stamp, Path dir) {
    List<Integer> slotCases = slots != null ? List.of(slots) : List.of(64, 256);
    List<Row> rows = new ArrayList<>();
    List<ScaleResult> results = new ArrayList<>();
    for (int k : slotCases) {
      Path work = scaleDir == null ? null : scaleDir.resolve(scale + "x" + k);
      ScaleCase c = scaleCase(scale, k, standInSeconds, work);
      rows.addAll(c.rows());
      if (c.result() != null) {
        results.add(c.result());
      }
    }
    Path results_ = resultsDir != null ? resultsDir : dir.resolve("results");
    Path csv = results_.resolve("bench-" + stamp + "-scale.csv");
    BenchTable.writeCsv(rows, csv);
    try {
      ScaleBench.writeJson(results, results_.resolve("bench-" + stamp + "-scale.json"));
    } catch (java.io.IOException e) {
      log.println("cannot write the scale JSON: " + e);
    }
    log.println();
    log.print(BenchTable.toTable(rows));
    log.println("written: " + csv);
    return new BenchReport(stamp, quick, null, List.of(), Double.NaN, null, null, rows, csv);
  }
}
