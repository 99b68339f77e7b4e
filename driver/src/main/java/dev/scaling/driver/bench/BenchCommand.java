package dev.scaling.driver.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.bench.BenchReport.FitComparison;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.ScheduleResult;
import dev.scaling.driver.bench.BenchReport.TrainerResult;
import dev.scaling.worker.Engines;
import dev.scaling.worker.TrialTrainer;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sweep bench [--quick]}: the speed benchmark of issue #6. Four sections, printed as one table
 * and written as CSV under {@code bench/results/}:
 *
 * <ol>
 *   <li>Trainer: our DJL trainer (the worker's {@link TrialTrainer}, in this JVM, one intra-op thread)
 *       against a PyTorch twin of the same model ({@code bench/torch_twin.py}, Debian's python3-torch on
 *       OpenBLAS, one thread), alternately per shape, warm, medians of 10-step chunks and of rounds.
 *   <li>MFU: an fp32 1024^3 matmul through DJL's libtorch on one thread as the practical peak; each
 *       shape's achieved FLOP/s as 6N per token and with attention FLOPs.
 *   <li>Fit: a deterministic 240-row Chinchilla table fitted by our {@link ScalingFitter} and by scipy's
 *       L-BFGS-B ({@code bench/scipy_fit.py}) from the same start grid with the same objective.
 *   <li>Schedule: a quickstart OUT's makespan against max(sum of trial times / slots, longest trial) and
 *       the idle gap per trial between trials on a slot.
 * </ol>
 *
 * <p>Nothing is ever installed: a missing python3-torch, OpenBLAS or python3-scipy turns the rows that
 * need it into visible SKIPPED rows that print the apt-get line needed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the trainer against a PyTorch twin, the fitter against scipy, and a sweep's schedule.")
public final class BenchCommand implements Callable<Integer> {
  /** The quickstart's context, batch and head size. */
  static final int CONTEXT = 64;
  static final int BATCH = 16;
  static final int HEAD_SIZE = 16;
  static final int VOCAB = SyntheticSpec.DEFAULT.vocab();
  /** The largest quickstart trial's shape, the one the MFU target is about. */
  static final int[] LARGEST_QUICKSTART = {128, 3};

  static final double TARGET_SPEED_WIDE = 1.10;
  static final double TARGET_SPEED_ANY = 0.95;
  static final double TARGET_MFU = 0.55;
  static final double TARGET_FIT_SPEEDUP = 10.0;
  static final double TARGET_MAKESPAN = 1.08;
  static final double TARGET_OVERHEAD = 0.01;

  @Option(names = "--quick", description = "fewer shapes and repeats, the coarse start grid (under 3 minutes)")
  boolean quick;

  @Option(names = "--shapes", split = ",", description = "shapes as WIDTHxDEPTH, e.g. 64x2,128x3 (default by mode)")
  List<String> shapes;

  @Option(names = "--rounds", description = "alternating DJL/twin rounds per shape (default 3, quick 1)")
  Integer rounds;

  @Option(names = "--sweep-out", description = "a finished quickstart OUT to analyse (default out/quickstart if present)")
  Path sweepOut;

  @Option(names = "--slots", description = "trial slots the sweep ran with (default: the largest overlap of its trials)")
  Integer slots;

  @Option(names = "--skip", split = ",", description = "sections to skip: trainer, fit, schedule")
  List<String> skip = new ArrayList<>();

  @Option(names = "--results-dir", description = "where the CSV goes (default bench/results)")
  Path resultsDir;

  @Option(names = "--python", description = "use only this Python interpreter (default: the first complete one of "
      + "$SWEEP_BENCH_PYTHON, python3, /usr/bin/python3)")
  String python;

  @Option(names = "--bench-dir", description = "folder of torch_twin.py and scipy_fit.py (default: found from here)")
  Path benchDir;

  private PrintStream log = System.out;

  /** Parses {@code args} as the command line does and runs the benchmark, printing to standard output. */
  public static BenchReport run(String... args) {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.measure();
  }

  @Override
  public Integer call() {
    measure();
    return 0;
  }

  BenchReport measure() {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = benchDir != null ? benchDir : findBenchDir();
    Engines.configure(1);
    Engines.applyThreadsToCurrentThread();
    List<Row> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    PythonEnv py = PythonPeers.probe(python);
    log.printf("python: %s, torch %s (BLAS %s), scipy %s%n", py.executable() != null ? py.executable() : "MISSING", orNo(py.torch()),
        orNo(py.blas()), orNo(py.scipy()));
    if (py.missing() != null) {
      log.println("NOT INSTALLED (nothing is installed for you): " + py.missing());
    }
    String blasName = py.blas() == null ? "no BLAS" : py.blas().split(" ")[0];
    rows.add(new Row("env", "python peers", py.executable() != null ? py.executable() : "no python3",
        "torch " + orNo(py.torch()) + " (" + blasName + "), scipy " + orNo(py.scipy()), "", "",
        py.missing() == null ? "OK" : "MISSING", (py.missing() == null ? "" : "NOT INSTALLED, install with: "
            + py.missing() + "; ") + "BLAS: " + orNo(py.blas()) + "; our side: DJL 0.35.1, libtorch 2.7.1 CPU, 1 "
            + "intra-op thread"));

    List<Double> peaks = new ArrayList<>();
    peaks.add(matmulPeakGflops(1024, quick ? 5 : 9));
    double twinPeak = Double.NaN;
    List<String> gemms = shapeList().stream()
        .map(sh -> (BATCH * CONTEXT) + "x" + sh[0] + "x" + (4 * sh[0])).distinct().toList();
    JsonNode twinMm = null;
    if (py.twinUsable()) {
      try {
        twinMm = PythonPeers.twinMatmuls(py.executable(), dir, gemms);
        twinPeak = twinMm.get("matmul_gflops").asDouble();
      } catch (IOException e) {
        throw new UncheckedIOException("the PyTorch twin failed: " + e.getMessage(), e);
      }
    }
    for (String g : gemms) {
      String[] mkn = g.split("x");
      double ours = matmulGflops(Integer.parseInt(mkn[0]), Integer.parseInt(mkn[1]), Integer.parseInt(mkn[2]), 21);
      double theirs = twinMm == null ? Double.NaN : twinMm.path("gemm_gflops").path(g).asDouble(Double.NaN);
      rows.add(new Row("mfu", "GEMM " + g + " GFLOP/s, 1 thread (an MLP fc1 forward of the shape)", fmt(ours),
          fmt(theirs), Double.isNaN(theirs) ? "n/a" : fmt(ours / theirs) + "x", "", "INFO",
          "the kernel speed the trainer ratio is bounded by: both trainers spend most of a step in GEMMs like this"));
    }

    List<TrainerResult> trainer = new ArrayList<>();
    if (!skip.contains("trainer")) {
      trainer = benchTrainer(dir, py, rows, peaks);
    }
    // The practical peak: the best of the matmul timings taken before and between the shapes (a busy
    // machine only ever makes a timing slower, so the maximum is the least disturbed one).
    double peak = peaks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    rows.add(new Row("mfu", "peak fp32 matmul 1024^3 GFLOP/s, 1 thread (ours: DJL libtorch | twin: its BLAS)",
        fmt(peak), py.twinUsable() ? fmt(twinPeak) : "n/a", py.twinUsable() ? fmt(peak / twinPeak) + "x" : "n/a", "",
        "INFO", "ours is the practical peak all MFU figures divide by: the best of " + peaks.size()
            + " timings (before and after each shape): " + peaks.stream().map(BenchCommand::fmt).toList()));
    for (TrainerResult tr : trainer) {
      mfuRows(tr, peak, py.twinUsable(), rows);
    }
    FitComparison fit = null;
    if (!skip.contains("fit")) {
      fit = benchFit(dir, py, rows);
    }
    ScheduleResult schedule = null;
    if (!skip.contains("schedule")) {
      schedule = benchSchedule(rows);
    }

    Path results = resultsDir != null ? resultsDir : dir.resolve("results");
    Path csv = results.resolve("bench-" + stamp + (quick ? "-quick" : "") + ".csv");
    try {
      Files.createDirectories(results);
      Files.writeString(csv, toCsv(rows), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
    }
    log.println();
    log.print(toTable(rows));
    log.println("written: " + csv);
    return new BenchReport(stamp, quick, py, trainer, peak, fit, schedule, List.copyOf(rows), csv);
  }

  // ---------------------------------------------------------------- trainer and MFU

  private List<TrainerResult> benchTrainer(Path dir, PythonEnv py, List<Row> rows, List<Double> peaks) {
    List<int[]> grid = shapeList();
    int nRounds = rounds != null ? rounds : (quick ? 1 : 3);
    int warmupChunks = 2;
    int chunks = quick ? 3 : 5;
    int chunk = TrialTrainer.LISTENER_INTERVAL;
    boolean twin = py.twinUsable();
    String twinSkip = py.torch() == null
        ? "SKIPPED: python3-torch missing; install with: " + py.missing()
        : "SKIPPED: torch uses " + py.blas() + ", not OpenBLAS (~10x slower, not a fair peer); install with: "
            + py.missing();
    // One throwaway trial warms the engine, the JIT and the allocator before the first measured shape.
    djlChunks(64, 1, 4, 1, 1);
    List<TrainerResult> out = new ArrayList<>();
    for (int[] s : grid) {
      int width = s[0];
      int depth = s[1];
      int heads = width / HEAD_SIZE;
      // A warm-up trial of this shape, as a sweep's executor has run earlier trials before this one:
      // JIT-compiled DJL paths and libtorch's allocator are warm for the shape before any timed step.
      djlChunks(width, depth, heads, 1, 2);
      List<Double> ours = new ArrayList<>();
      List<Double> theirs = new ArrayList<>();
      for (int r = 0; r < nRounds; r++) {
        ours.add(median(djlChunks(width, depth, heads, warmupChunks, chunks)));
        if (twin) {
          try {
            JsonNode t = PythonPeers.twin(py.executable(), dir, width, depth, heads, CONTEXT, BATCH, VOCAB, warmupChunks * chunk,
                chunks, chunk);
            theirs.add(t.get("ms_per_step_median").asDouble());
            long theirParams = t.get("params").asLong();
            long ourParams = ModelFamilies.trial("bench", new TrialConfig(1, TransformerFamily.NAME, width, depth, heads,
                CONTEXT, (long) BATCH * CONTEXT, 0, dataSpec(), trainingSpec(1))).nParamsTotal();
            if (theirParams != ourParams) {
              throw new IllegalStateException("twin has " + theirParams + " parameters, ours " + ourParams);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("the PyTorch twin failed: " + e.getMessage(), e);
          }
        }
      }
      double djl = median(ours.stream().mapToDouble(Double::doubleValue).toArray());
      double torch = twin ? median(theirs.stream().mapToDouble(Double::doubleValue).toArray()) : Double.NaN;
      TrainerResult tr = new TrainerResult(width, depth, heads, CONTEXT, BATCH, 12L * depth * width * width, djl, torch,
          List.copyOf(ours), List.copyOf(theirs));
      out.add(tr);
      String item = "w" + width + " d" + depth + " h" + heads + " T" + CONTEXT + " B" + BATCH;
      log.printf("trainer %s: DJL %.2f ms/step, twin %s ms/step%n", item, djl, twin ? fmt(torch) : "skipped");
      if (twin) {
        double ratio = tr.speedRatio();
        double target = width >= 128 ? TARGET_SPEED_WIDE : TARGET_SPEED_ANY;
        rows.add(new Row("trainer", item + " ms/step", fmt(djl), fmt(torch), fmt(ratio) + "x", ">= " + target + "x",
            ratio >= target ? "MEETS" : "MISSES", "ratio = twin ms / our ms (tokens/s ratio); rounds " + ours + " vs " + theirs));
      } else {
        rows.add(new Row("trainer", item + " ms/step", fmt(djl), "n/a", "n/a", width >= 128 ? ">= 1.1x" : ">= 0.95x",
            "SKIPPED", twinSkip));
      }
      rows.add(new Row("trainer", item + " tokens/s", fmt(tr.djlTokensPerSecond()),
          twin ? fmt(tr.torchTokensPerSecond()) : "n/a", "", "", "INFO", ""));
      peaks.add(matmulPeakGflops(1024, 5));
    }
    return out;
  }

  private static void mfuRows(TrainerResult tr, double peak, boolean twin, List<Row> rows) {
    int width = tr.width();
    int depth = tr.depth();
    String item = "w" + width + " d" + depth + " h" + tr.heads() + " T" + tr.context() + " B" + tr.batch();
      double mfu6n = tr.flopsPerToken6N() * tr.djlTokensPerSecond() / 1e9 / peak;
    double mfuAttn = tr.flopsPerTokenWithAttention() * tr.djlTokensPerSecond() / 1e9 / peak;
    boolean largest = width == LARGEST_QUICKSTART[0] && depth == LARGEST_QUICKSTART[1];
    String twinMfu = twin ? fmt(100 * tr.flopsPerToken6N() * tr.torchTokensPerSecond() / 1e9 / peak) + "%" : "n/a";
    rows.add(new Row("mfu", item + " MFU 6N (ours | twin)", fmt(100 * mfu6n) + "%", twinMfu, "",
        largest ? ">= 55%" : "", largest ? (mfu6n >= TARGET_MFU ? "MEETS" : "MISSES") : "INFO",
        fmt(tr.flopsPerToken6N() * tr.djlTokensPerSecond() / 1e9) + " GFLOP/s by 6N; "
            + fmt(tr.flopsPerTokenWithAttention() * tr.djlTokensPerSecond() / 1e9) + " GFLOP/s with attention"
            + (largest ? "; largest quickstart trial" : "")));
    rows.add(new Row("mfu", item + " MFU 6N+attention", fmt(100 * mfuAttn) + "%", "", "", "", "INFO", ""));
  }

  private List<int[]> shapeList() {
    List<String> spec = shapes != null ? shapes
        : quick ? List.of("64x2", "128x3", "256x2") : List.of("64x2", "128x2", "128x3", "128x4", "256x2", "256x4");
    List<int[]> out = new ArrayList<>();
    for (String s : spec) {
      String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
      if (p.length != 2) {
        throw new IllegalArgumentException("--shapes must be WIDTHxDEPTH items, found " + s);
      }
      int w = Integer.parseInt(p[0]);
      if (w % HEAD_SIZE != 0) {
        throw new IllegalArgumentException("--shapes width must be a multiple of " + HEAD_SIZE + ", found " + s);
      }
      out.add(new int[] {w, Integer.parseInt(p[1])});
    }
    return out;
  }

  static DataSpec dataSpec() {
    return new DataSpec(DataSource.SYNTHETIC, null, "bytes", 0.1, 1024, SyntheticSpec.DEFAULT);
  }

  static TrainingSpec trainingSpec(int evalInterval) {
    return new TrainingSpec(BATCH, 3e-3, 0.05, 0.1, 1.0, evalInterval);
  }

  /**
   * Trains one trial of {@code (warmupChunks + chunks) * 10} steps with the worker's own trainer and
   * returns ms/step of each 10-step chunk after the warm-up (evaluation only after the last step).
   */
  static double[] djlChunks(int width, int depth, int heads, int warmupChunks, int chunks) {
    int chunk = TrialTrainer.LISTENER_INTERVAL;
    int total = warmupChunks + chunks;
    long steps = (long) total * chunk;
    Trial trial = ModelFamilies.trial("bench", new TrialConfig(20261122L, TransformerFamily.NAME, width, depth, heads,
        CONTEXT, steps * BATCH * CONTEXT, 0, dataSpec(), trainingSpec((int) steps)));
    long[] at = new long[total + 1];
    TrialResult result = new TrialTrainer(null).train(trial, Device.cpu(), (done, tokens) -> {
      if (done % chunk == 0) {
        at[(int) (done / chunk)] = System.nanoTime();
      }
    });
    if (result.status() != TrialStatus.FINISHED) {
      throw new IllegalStateException("bench trial " + trial.trialId() + " ended " + result.status() + ": "
          + result.error());
    }
    double[] ms = new double[chunks];
    for (int k = 0; k < chunks; k++) {
      ms[k] = (at[warmupChunks + k + 1] - at[warmupChunks + k]) / 1e6 / chunk;
    }
    return ms;
  }

  /** GFLOP/s of an n x n x n fp32 matmul through DJL's libtorch on this thread (1 intra-op thread). */
  static double matmulPeakGflops(int n, int repeats) {
    return matmulGflops(n, n, n, repeats);
  }

  /** GFLOP/s of an (m x k) @ (k x n) fp32 matmul through DJL's libtorch on this thread, median of repeats. */
  static double matmulGflops(int rowsA, int inner, int n, int repeats) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.ENGINE)) {
      Engines.applyThreadsToCurrentThread();
      NDArray a = m.randomUniform(-1, 1, new Shape(rowsA, inner));
      NDArray b = m.randomUniform(-1, 1, new Shape(inner, n));
      a.matMul(b).close();
      double[] secs = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        secs[i] = (System.nanoTime() - t0) / 1e9;
        c.close();
      }
      return 2.0 * rowsA * inner * (double) n / median(secs) / 1e9;
    }
  }

  // ---------------------------------------------------------------- fit

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
        rows.add(new ScalingPoint(n, d, TRUTH.predict(n, d) * Math.exp(0.01 * random.nextGaussian())));
      }
    }
    return rows;
  }

  private FitComparison benchFit(Path dir, PythonEnv py, List<Row> rows) {
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
    // Like for like with single-threaded scipy: the same fit with its parallel streams on a 1-thread pool.
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
    } catch (java.util.concurrent.ExecutionException e) {
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
        JsonNode s = PythonPeers.scipyFit(py.executable(), dir, csv, options.huberDelta(), gridName);
        Files.deleteIfExists(csv);
        scipySec = s.get("seconds").asDouble();
        scipyObj = s.get("objective").asDouble();
        scipyNote = String.format(Locale.ROOT, "scipy %s L-BFGS-B, 1 thread, %d objective evaluations: E=%.4f A=%.1f B=%.1f alpha=%.4f beta=%.4f",
            s.get("scipy").asText(), s.get("evaluations").asLong(), s.get("E").asDouble(), s.get("A").asDouble(), s.get("B").asDouble(),
            s.get("alpha").asDouble(), s.get("beta").asDouble());
      } catch (IOException e) {
        throw new UncheckedIOException("the scipy fit failed: " + e.getMessage(), e);
      }
    } else {
      scipyNote = "SKIPPED: python3-scipy missing; install with: " + py.missing();
    }
    ChinchillaParams p = (ChinchillaParams) ours.params();
    String oursNote = String.format(Locale.ROOT, "ours (BFGS multi-start + polish, %d threads): E=%.4f A=%.1f B=%.1f "
        + "alpha=%.4f beta=%.4f; truth E=1.69 A=406.4 B=410.7 alpha=0.34 beta=0.28", threads, p.e(), p.a(), p.b(),
        p.alpha(), p.beta());
    String item = table.size() + " rows, " + ours.starts() + " starts (" + gridName + "), delta "
        + options.huberDelta();
    log.printf("fit %s: ours %.3f s objective %.6g; scipy %s s objective %s%n", item, oursSec, ours.objective(),
        fmt(scipySec), fmt(scipyObj));
    boolean haveScipy = !Double.isNaN(scipySec);
    double speedup = scipySec / oursSec;
    rows.add(new Row("fit", item + " seconds", fmt(oursSec), haveScipy ? fmt(scipySec) : "n/a",
        haveScipy ? fmt(speedup) + "x" : "n/a", ">= 10x", haveScipy ? (speedup >= TARGET_FIT_SPEEDUP ? "MEETS" : "MISSES")
            : "SKIPPED", oursNote));
    rows.add(new Row("fit", item + " seconds, ours on 1 thread", fmt(oursSec1), haveScipy ? fmt(scipySec) : "n/a",
        haveScipy ? fmt(scipySec / oursSec1) + "x" : "n/a", "", "INFO",
        "like for like with single-threaded scipy (the fitter's parallel streams on a 1-thread pool)"));
    boolean noLarger = ours.objective() <= scipyObj * (1 + 1e-9) + 1e-15;
    rows.add(new Row("fit", item + " best objective", String.format(Locale.ROOT, "%.9g", ours.objective()),
        haveScipy ? String.format(Locale.ROOT, "%.9g", scipyObj) : "n/a", "", "ours <= scipy",
        haveScipy ? (noLarger ? "MEETS" : "MISSES") : "SKIPPED", scipyNote));
    return new FitComparison(table.size(), ours.starts(), gridName, options.huberDelta(), oursSec, ours.objective(),
        scipySec, scipyObj, threads);
  }

  // ---------------------------------------------------------------- schedule

  private ScheduleResult benchSchedule(List<Row> rows) {
    Path out = sweepOut != null ? sweepOut : Path.of("out", "quickstart");
    Path commits = out.resolve("commits");
    String how = "run ./sweep run examples/quickstart.yaml --out out/quickstart, then ./sweep bench --sweep-out out/quickstart";
    if (!Files.isDirectory(commits)) {
      rows.add(new Row("schedule", "quickstart makespan", "n/a", "n/a", "n/a", "<= 1.08x", "SKIPPED",
          "no finished sweep at " + out + " (no commits/); " + how));
      rows.add(new Row("schedule", "Spark overhead per trial", "n/a", "", "", "< 1%", "SKIPPED", "same"));
      return null;
    }
    ObjectMapper json = new ObjectMapper();
    List<double[]> spans = new ArrayList<>(); // {start, end} in seconds
    try (Stream<Path> files = Files.list(commits)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
        JsonNode node = json.readTree(f.toFile());
        double wall = node.path("result").path("wallSeconds").asDouble();
        double end = Files.getLastModifiedTime(f).toMillis() / 1000.0;
        spans.add(new double[] {end - wall, end});
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + commits + ": " + e.getMessage(), e);
    }
    if (spans.isEmpty()) {
      rows.add(new Row("schedule", "quickstart makespan", "n/a", "n/a", "n/a", "<= 1.08x", "SKIPPED",
          "no commits in " + commits + "; " + how));
      return null;
    }
    spans.sort((a, b) -> Double.compare(a[0], b[0]));
    int n = spans.size();
    double sum = spans.stream().mapToDouble(s -> s[1] - s[0]).sum();
    double longest = spans.stream().mapToDouble(s -> s[1] - s[0]).max().orElse(0);
    double first = spans.get(0)[0];
    double last = spans.stream().mapToDouble(s -> s[1]).max().orElse(0);
    int overlap = maxOverlap(spans);
    int k = slots != null ? slots : overlap;
    // Lanes: each trial goes to the free slot that freed up last; the gap is its idle time before the trial.
    double[] laneEnd = new double[k];
    Arrays.fill(laneEnd, Double.NaN);
    double gaps = 0;
    int gapCount = 0;
    for (double[] s : spans) {
      int best = -1;
      for (int i = 0; i < k; i++) {
        if (Double.isNaN(laneEnd[i])) {
          if (best < 0) {
            best = i;
          }
        } else if (laneEnd[i] <= s[0] + 0.05 && (best < 0 || Double.isNaN(laneEnd[best]) || laneEnd[i] > laneEnd[best])) {
          best = i;
        }
      }
      if (best < 0) {
        best = 0;
      }
      if (!Double.isNaN(laneEnd[best])) {
        gaps += Math.max(0, s[0] - laneEnd[best]);
        gapCount++;
      }
      laneEnd[best] = s[1];
    }
    double makespan = last - first;
    double bound = Math.max(sum / k, longest);
    double meanGap = gapCount == 0 ? 0 : gaps / gapCount;
    double meanTrial = sum / n;
    ScheduleResult r = new ScheduleResult(out.toString(), n, k, sum, longest, makespan, bound, meanGap, meanTrial);
    double ratio = makespan / bound;
    rows.add(new Row("schedule", "quickstart makespan (" + n + " trials, " + k + " slots) s", fmt(makespan),
        fmt(bound), fmt(ratio) + "x", "<= 1.08x", ratio <= TARGET_MAKESPAN ? "MEETS" : "MISSES",
        "bound = max(sum " + fmt(sum) + " s / " + k + ", longest " + fmt(longest) + " s); first trial start to last "
            + "trial end (Spark/JVM start-up and the final fit excluded); from " + commits));
    double share = meanGap / meanTrial;
    rows.add(new Row("schedule", "gap per trial on a slot (Spark overhead proxy) s", fmt(meanGap), fmt(meanTrial),
        fmt(100 * share) + "%", "< 1%", share < TARGET_OVERHEAD ? "MEETS" : "MISSES",
        "idle slot time between a trial's commit and the next trial's start (task launch, result, commit); "
            + "trial start = commit time - wall_seconds, which includes data generation"));
    return r;
  }

  static int maxOverlap(List<double[]> spans) {
    List<double[]> events = new ArrayList<>();
    for (double[] s : spans) {
      events.add(new double[] {s[0] + 0.05, 1});
      events.add(new double[] {s[1], -1});
    }
    events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    int cur = 0;
    int max = 0;
    for (double[] e : events) {
      cur += (int) e[1];
      max = Math.max(max, cur);
    }
    return Math.max(1, max);
  }

  // ---------------------------------------------------------------- output

  static String toCsv(List<Row> rows) {
    StringBuilder sb = new StringBuilder("section,case,ours,reference,ratio,target,verdict,note\n");
    for (Row r : rows) {
      sb.append(String.join(",", csv(r.section()), csv(r.item()), csv(r.ours()), csv(r.reference()), csv(r.ratio()),
          csv(r.target()), csv(r.verdict()), csv(r.note()))).append('\n');
    }
    return sb.toString();
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String toTable(List<Row> rows) {
    String[] head = {"section", "case", "ours", "reference", "ratio", "target", "verdict"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
    }
    for (Row r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], c[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendLine(sb, head, w);
    for (Row r : rows) {
      appendLine(sb, cells(r), w);
    }
    sb.append("notes:\n");
    for (Row r : rows) {
      if (r.note() != null && !r.note().isEmpty()) {
        sb.append("  [").append(r.section()).append("] ").append(r.item()).append(": ").append(r.note()).append('\n');
      }
    }
    return sb.toString();
  }

  private static String[] cells(Row r) {
    return new String[] {r.section(), r.item(), r.ours(), r.reference(), r.ratio(), r.target(), r.verdict()};
  }

  private static void appendLine(StringBuilder sb, String[] c, int[] w) {
    for (int i = 0; i < c.length; i++) {
      sb.append(String.format(Locale.ROOT, "%-" + w[i] + "s", c[i]));
      sb.append(i + 1 < c.length ? "  " : "\n");
    }
  }

  // ---------------------------------------------------------------- helpers

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

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
  }

  private static String orNo(String s) {
    return s == null ? "missing" : s;
  }
}
