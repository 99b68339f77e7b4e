package dev.scaling.driver.bench;

import static dev.scaling.common.fit.Quantiles.median;
import static dev.scaling.driver.bench.BenchTable.fmt;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.TrainerResult;
import dev.scaling.worker.Engines;
import dev.scaling.worker.TrialTrainer;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer and MFU sections of the bench: our DJL trainer (the worker's {@link TrialTrainer}, in
 * this JVM, one intra-op thread) against the PyTorch twin ({@code bench/torch_twin.py}) alternately
 * per shape, warm, medians of 10-step chunks and of rounds; and the achieved FLOP/s of each shape
 * against an fp32 1024^3 matmul through DJL's libtorch on one thread, the practical peak.
 */
final class TrainerBench {
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

  /** The shapes of each mode. */
  static final List<String> QUICK_SHAPES = List.of("64x2", "128x3", "256x2");

  static final List<String> FULL_SHAPES =
      List.of("64x2", "128x2", "128x3", "128x4", "256x2", "256x4");

  /**
   * What the section measured.
   *
   * @param shapes one entry per benchmarked shape (empty when the trainer was skipped)
   * @param peakGflops the practical peak all MFU figures divide by
   */
  record Result(List<TrainerResult> shapes, double peakGflops) {}

  private final boolean quick;
  private final List<BenchShape> shapes;
  private final int rounds;
  private final PythonEnv py;
  private final Path dir;
  private final PrintStream log;

  /**
   * @param quick fewer repeats
   * @param shapes the shapes to measure
   * @param rounds alternating DJL/twin rounds per shape
   * @param py the Python peers found
   * @param dir the folder of torch_twin.py
   * @param log where progress lines go
   */
  TrainerBench(
      boolean quick, List<BenchShape> shapes, int rounds, PythonEnv py, Path dir, PrintStream log) {
    this.quick = quick;
    this.shapes = List.copyOf(shapes);
    this.rounds = rounds;
    this.py = py;
    this.dir = dir;
    this.log = log;
  }

  /** The default shapes of a mode. */
  static List<BenchShape> defaultShapes(boolean quick) {
    return (quick ? QUICK_SHAPES : FULL_SHAPES).stream().map(BenchShape::parse).toList();
  }

  /**
   * Adds the GEMM, trainer (unless {@code train} is false), peak and MFU rows in this order and
   * returns the measurements.
   */
  Result run(boolean train, List<Row> rows) {
    List<Double> peaks = new ArrayList<>();
    peaks.add(matmulPeakGflops(1024, quick ? 5 : 9));
    double twinPeak = Double.NaN;
    List<String> gemms =
        shapes.stream()
            .map(sh -> (BATCH * CONTEXT) + "x" + sh.width() + "x" + (4 * sh.width()))
            .distinct()
            .toList();
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
      double ours =
          matmulGflops(
              Integer.parseInt(mkn[0]), Integer.parseInt(mkn[1]), Integer.parseInt(mkn[2]), 21);
      double theirs =
          twinMm == null ? Double.NaN : twinMm.path("gemm_gflops").path(g).asDouble(Double.NaN);
      rows.add(
          new Row(
              "mfu",
              "GEMM " + g + " GFLOP/s, 1 thread (an MLP fc1 forward of the shape)",
              fmt(ours),
              fmt(theirs),
              Double.isNaN(theirs) ? "n/a" : fmt(ours / theirs) + "x",
              "",
              "INFO",
              "the kernel speed the trainer ratio is bounded by: both trainers spend most of a step in GEMMs like this"));
    }

    List<TrainerResult> trainer = train ? benchTrainer(rows, peaks) : List.of();
    // The practical peak: the best of the matmul timings taken before and between the shapes (a
    // busy
    // machine only ever makes a timing slower, so the maximum is the least disturbed one).
    double peak = peaks.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    rows.add(
        new Row(
            "mfu",
            "peak fp32 matmul 1024^3 GFLOP/s, 1 thread (ours: DJL libtorch | twin: its BLAS)",
            fmt(peak),
            py.twinUsable() ? fmt(twinPeak) : "n/a",
            py.twinUsable() ? fmt(peak / twinPeak) + "x" : "n/a",
            "",
            "INFO",
            "ours is the practical peak all MFU figures divide by: the best of "
                + peaks.size()
                + " timings (before and after each shape): "
                + peaks.stream().map(BenchTable::fmt).toList()));
    for (TrainerResult tr : trainer) {
      mfuRows(tr, peak, py.twinUsable(), rows);
    }
    return new Result(trainer, peak);
  }

  private List<TrainerResult> benchTrainer(List<Row> rows, List<Double> peaks) {
    int warmupChunks = 2;
    int chunks = quick ? 3 : 5;
    int chunk = TrialTrainer.LISTENER_INTERVAL;
    boolean twin = py.twinUsable();
    String twinSkip =
        py.torch() == null
            ? "SKIPPED: python3-torch missing; install with: " + py.missing()
            : "SKIPPED: torch uses "
                + py.blas()
                + ", not OpenBLAS (~10x slower, not a fair peer); install with: "
                + py.missing();
    // One throwaway trial warms the engine, the JIT and the allocator before the first measured
    // shape.
    djlChunks(64, 1, 4, 1, 1);
    List<TrainerResult> out = new ArrayList<>();
    for (BenchShape s : shapes) {
      int width = s.width();
      int depth = s.depth();
      int heads = width / HEAD_SIZE;
      // A warm-up trial of this shape, as a sweep's executor has run earlier trials before this
      // one:
      // JIT-compiled DJL paths and libtorch's allocator are warm for the shape before any timed
      // step.
      djlChunks(width, depth, heads, 1, 2);
      List<Double> ours = new ArrayList<>();
      List<Double> theirs = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        ours.add(median(djlChunks(width, depth, heads, warmupChunks, chunks)));
        if (twin) {
          try {
            JsonNode t =
                PythonPeers.twin(
                    py.executable(),
                    dir,
                    width,
                    depth,
                    heads,
                    CONTEXT,
                    BATCH,
                    VOCAB,
                    warmupChunks * chunk,
                    chunks,
                    chunk);
            theirs.add(t.get("ms_per_step_median").asDouble());
            long theirParams = t.get("params").asLong();
            long ourParams =
                benchTrial(1, width, depth, heads, (long) BATCH * CONTEXT, 1).nParamsTotal();
            if (theirParams != ourParams) {
              throw new IllegalStateException(
                  "twin has " + theirParams + " parameters, ours " + ourParams);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("the PyTorch twin failed: " + e.getMessage(), e);
          }
        }
      }
      double djl = median(ours.stream().mapToDouble(Double::doubleValue).toArray());
      double torch =
          twin ? median(theirs.stream().mapToDouble(Double::doubleValue).toArray()) : Double.NaN;
      long n = benchTrial(1, width, depth, heads, (long) BATCH * CONTEXT, 1).nParams();
      TrainerResult tr =
          new TrainerResult(
              width,
              depth,
              heads,
              CONTEXT,
              BATCH,
              n,
              djl,
              torch,
              List.copyOf(ours),
              List.copyOf(theirs));
      out.add(tr);
      String item = "w" + width + " d" + depth + " h" + heads + " T" + CONTEXT + " B" + BATCH;
      log.printf(
          "trainer %s: DJL %.2f ms/step, twin %s ms/step%n",
          item, djl, twin ? fmt(torch) : "skipped");
      if (twin) {
        double ratio = tr.speedRatio();
        double target = width >= 128 ? TARGET_SPEED_WIDE : TARGET_SPEED_ANY;
        rows.add(
            new Row(
                "trainer",
                item + " ms/step",
                fmt(djl),
                fmt(torch),
                fmt(ratio) + "x",
                ">= " + target + "x",
                ratio >= target ? "MEETS" : "MISSES",
                "ratio = twin ms / our ms (tokens/s ratio); rounds " + ours + " vs " + theirs));
      } else {
        rows.add(
            new Row(
                "trainer",
                item + " ms/step",
                fmt(djl),
                "n/a",
                "n/a",
                width >= 128 ? ">= 1.1x" : ">= 0.95x",
                "SKIPPED",
                twinSkip));
      }
      rows.add(
          new Row(
              "trainer",
              item + " tokens/s",
              fmt(tr.djlTokensPerSecond()),
              twin ? fmt(tr.torchTokensPerSecond()) : "n/a",
              "",
              "",
              "INFO",
              ""));
      peaks.add(matmulPeakGflops(1024, 5));
    }
    return out;
  }

  private static void mfuRows(TrainerResult tr, double peak, boolean twin, List<Row> rows) {
    int width = tr.width();
    int depth = tr.depth();
    String item =
        "w" + width + " d" + depth + " h" + tr.heads() + " T" + tr.context() + " B" + tr.batch();
    double mfu6n = tr.flopsPerToken6N() * tr.djlTokensPerSecond() / 1e9 / peak;
    double mfuAttn = tr.flopsPerTokenWithAttention() * tr.djlTokensPerSecond() / 1e9 / peak;
    boolean largest = width == LARGEST_QUICKSTART[0] && depth == LARGEST_QUICKSTART[1];
    String twinMfu =
        twin
            ? fmt(100 * tr.flopsPerToken6N() * tr.torchTokensPerSecond() / 1e9 / peak) + "%"
            : "n/a";
    rows.add(
        new Row(
            "mfu",
            item + " MFU 6N (ours | twin)",
            fmt(100 * mfu6n) + "%",
            twinMfu,
            "",
            largest ? ">= 55%" : "",
            largest ? (mfu6n >= TARGET_MFU ? "MEETS" : "MISSES") : "INFO",
            fmt(tr.flopsPerToken6N() * tr.djlTokensPerSecond() / 1e9)
                + " GFLOP/s by 6N; "
                + fmt(tr.flopsPerTokenWithAttention() * tr.djlTokensPerSecond() / 1e9)
                + " GFLOP/s with attention"
                + (largest ? "; largest quickstart trial" : "")));
    rows.add(
        new Row(
            "mfu", item + " MFU 6N+attention", fmt(100 * mfuAttn) + "%", "", "", "", "INFO", ""));
  }

  static DataSpec dataSpec() {
    return DataSpec.builder(DataSource.SYNTHETIC)
        .evalTokens(1024)
        .settings(SyntheticSpec.DEFAULT)
        .build();
  }

  static TrainingSpec trainingSpec(int evalInterval) {
    return new TrainingSpec(BATCH, 3e-3, 0.05, 0.1, 1.0, evalInterval);
  }

  /**
   * A bench trial of one shape, built through the transformer family (its parameter counts
   * included).
   */
  private static Trial benchTrial(
      long seed, int width, int depth, int heads, long tokens, int evalInterval) {
    return ModelFamilies.trial(
        "bench",
        new TrialConfig(
            seed,
            TransformerFamily.NAME,
            width,
            depth,
            heads,
            CONTEXT,
            tokens,
            0,
            dataSpec(),
            trainingSpec(evalInterval)));
  }

  /**
   * Trains one trial of {@code (warmupChunks + chunks) * 10} steps with the worker's own trainer
   * and returns ms/step of each 10-step chunk after the warm-up (evaluation only after the last
   * step).
   */
  static double[] djlChunks(int width, int depth, int heads, int warmupChunks, int chunks) {
    int chunk = TrialTrainer.LISTENER_INTERVAL;
    int total = warmupChunks + chunks;
    long steps = (long) total * chunk;
    Trial trial = benchTrial(20261122L, width, depth, heads, steps * BATCH * CONTEXT, (int) steps);
    long[] at = new long[total + 1];
    TrialResult result =
        new TrialTrainer(null)
            .train(
                trial,
                Device.cpu(),
                (done, tokens) -> {
                  if (done % chunk == 0) {
                    at[(int) (done / chunk)] = System.nanoTime();
                  }
                });
    if (result.status() != TrialStatus.FINISHED) {
      throw new IllegalStateException(
          "bench trial " + trial.trialId() + " ended " + result.status() + ": " + result.error());
    }
    double[] ms = new double[chunks];
    for (int k = 0; k < chunks; k++) {
      ms[k] = (at[warmupChunks + k + 1] - at[warmupChunks + k]) / 1e6 / chunk;
    }
    return ms;
  }

  /**
   * GFLOP/s of an n x n x n fp32 matmul through DJL's libtorch on this thread (1 intra-op thread).
   */
  static double matmulPeakGflops(int n, int repeats) {
    return matmulGflops(n, n, n, repeats);
  }

  /**
   * GFLOP/s of an (m x k) @ (k x n) fp32 matmul through DJL's libtorch on this thread, median of
   * repeats.
   */
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
}
