package dev.scaling.driver.bench;

import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.OptionRules;
import dev.scaling.driver.bench.BenchReport.FitComparison;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.ScheduleResult;
import dev.scaling.worker.Engines;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>Trainer and MFU ({@link TrainerBench}): our DJL trainer against a PyTorch twin of the same model,
 *       and each shape's achieved FLOP/s against a 1024^3 matmul through DJL's libtorch on one thread.
 *   <li>Fit ({@link FitBench}): a deterministic 240-row Chinchilla table fitted by our fitter and by scipy.
 *   <li>Schedule ({@link ScheduleBench}): a quickstart OUT's makespan against its lower bound.
 * </ol>
 *
 * <p>Nothing is ever installed: a missing python3-torch, OpenBLAS or python3-scipy turns the rows that
 * need it into visible SKIPPED rows that print the apt-get line needed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the trainer against a PyTorch twin, the fitter against scipy, and a sweep's schedule.")
public final class BenchCommand implements Callable<Integer> {
  /** The sections {@code --skip} can leave out. */
  enum Section { TRAINER, FIT, SCHEDULE }

  @Option(names = "--quick", description = "fewer shapes and repeats, the coarse start grid (under 3 minutes)")
  boolean quick;

  @Option(names = "--shapes", split = ",", converter = ModelShape.Converter.class,
      description = "shapes as WIDTHxDEPTH, e.g. 64x2,128x3 (default by mode)")
  List<ModelShape> shapes;

  @Option(names = "--rounds", converter = OptionRules.PositiveInt.class,
      description = "alternating DJL/twin rounds per shape (default 3, quick 1)")
  Integer rounds;

  @Option(names = "--sweep-out", description = "a finished quickstart OUT to analyse (default out/quickstart if present)")
  Path sweepOut;

  @Option(names = "--slots", converter = OptionRules.PositiveInt.class,
      description = "trial slots the sweep ran with (default: the largest overlap of its trials)")
  Integer slots;

  @Option(names = "--skip", split = ",", description = "sections to skip: trainer, fit, schedule")
  List<Section> skip = new ArrayList<>();

  @Option(names = "--results-dir", description = "where the CSV goes (default bench/results)")
  Path resultsDir;

  @Option(names = "--python", description = "use only this Python interpreter (default: the first complete one of "
      + "$SWEEP_BENCH_PYTHON, python3, /usr/bin/python3)")
  String python;

  @Option(names = "--bench-dir", description = "folder of torch_twin.py and scipy_fit.py (default: found from here)")
  Path benchDir;

  private final PrintStream log = System.out;

  /** Parses {@code args} as the command line does and runs the benchmark, printing to standard output. */
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
      throw new SpecException("--bench-dir", "a folder holding torch_twin.py and scipy_fit.py", benchDir.toString());
    }
    if (resultsDir != null && Files.exists(resultsDir) && !Files.isDirectory(resultsDir)) {
      throw new SpecException("--results-dir", "a folder", resultsDir + " (a file)");
    }
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = benchDir != null ? benchDir : findBenchDir();
    Engines.configure(1);
    Engines.applyThreadsToCurrentThread();
    List<Row> rows = new ArrayList<>();

    PythonEnv py = PythonPeers.probe(python);
    log.printf("python: %s, torch %s (BLAS %s), scipy %s%n", py.executable() != null ? py.executable() : "MISSING", orNo(py.torch()),
        orNo(py.blas()), orNo(py.scipy()));
    if (py.missing() != null) {
      log.println("NOT INSTALLED (nothing is installed for you): " + py.missing());
    }
    rows.add(envRow(py));

    TrainerBench.Result trainer = new TrainerBench(quick, shapes != null ? shapes : TrainerBench.defaultShapes(quick),
        rounds != null ? rounds : (quick ? 1 : 3), py, dir, log).run(!skip.contains(Section.TRAINER), rows);
    FitComparison fit = skip.contains(Section.FIT) ? null : new FitBench(quick, py, dir, log).run(rows);
    ScheduleResult schedule = skip.contains(Section.SCHEDULE) ? null : new ScheduleBench(sweepOut, slots).run(rows);

    Path results = resultsDir != null ? resultsDir : dir.resolve("results");
    Path csv = results.resolve("bench-" + stamp + (quick ? "-quick" : "") + ".csv");
    BenchTable.writeCsv(rows, csv);
    log.println();
    log.print(BenchTable.toTable(rows));
    log.println("written: " + csv);
    return new BenchReport(stamp, quick, py, trainer.shapes(), trainer.peakGflops(), fit, schedule, List.copyOf(rows),
        csv);
  }

  /** The first row: which Python peers were found, and what is missing. */
  private static Row envRow(PythonEnv py) {
    String blasName = py.blas() == null ? "no BLAS" : py.blas().split(" ")[0];
    return new Row("env", "python peers", py.executable() != null ? py.executable() : "no python3",
        "torch " + orNo(py.torch()) + " (" + blasName + "), scipy " + orNo(py.scipy()), "", "",
        py.missing() == null ? "OK" : "MISSING", (py.missing() == null ? "" : "NOT INSTALLED, install with: "
            + py.missing() + "; ") + "BLAS: " + orNo(py.blas()) + "; our side: DJL 0.35.1, libtorch 2.7.1 CPU, 1 "
            + "intra-op thread");
  }

  /** bench/ next to the working directory, else next to the application jar (deploy/target/../../bench). */
  static Path findBenchDir() {
    Path cwd = Path.of("bench").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve("torch_twin.py"))) {
      return cwd;
    }
    try {
      Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = jar.getParent(); p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("bench").resolve("torch_twin.py"))) {
          return p.resolve("bench");
        }
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through
    }
    return cwd;
  }

  private static String orNo(String s) {
    return s == null ? "missing" : s;
  }
}
