package dev.scaling.driver.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one {@code ./sweep bench} run measured, typed; {@link #rows} is the printed table (and
 * the CSV) in order.
 *
 * @param timestamp when the run started (UTC, {@code yyyyMMdd-HHmmss})
 * @param quick whether {@code --quick} (fewer shapes and repeats, the coarse start grid) was used
 * @param python what the Python probe found (python3, torch, scipy, BLAS)
 * @param trainer one entry per benchmarked shape, DJL against the PyTorch twin
 * @param matmulPeakGflops fp32 1024^3 matmul through DJL's libtorch, 1 thread (GFLOP/s)
 * @param fit our fitter against scipy on the 240-row table; null when not run
 * @param schedule makespan and per-trial overhead of a quickstart OUT; null when none was found
 * @param rows the table as printed
 * @param csv where the table was written; null if not written
 */
public record BenchReport(
    String timestamp,
    boolean quick,
    PythonEnv python,
    List<TrainerResult> trainer,
    double matmulPeakGflops,
    FitComparison fit,
    ScheduleResult schedule,
    List<Row> rows,
    Path csv) {

  /**
   * One line of the table: section, case, our value, the reference, their ratio, target, verdict,
   * note.
   */
  public record Row(
      String section,
      String item,
      String ours,
      String reference,
      String ratio,
      String target,
      String verdict,
      String note) {}

  /**
   * What the Python probe found.
   *
   * @param executable the Python interpreter used (the first of $SWEEP_BENCH_PYTHON, python3 on the
   *     PATH and /usr/bin/python3 that has torch on OpenBLAS and scipy, else the one with most of
   *     them); null if none ran
   * @param torch torch version, null if not importable
   * @param scipy scipy version, null if not importable
   * @param blas the BLAS library torch loaded ("openblas ...", "reference ...", ...), null without
   *     torch
   * @param missing the apt-get command line that would install what is missing, null if nothing is
   */
  public record PythonEnv(
      String executable, String torch, String scipy, String blas, String missing) {
    /** Whether the torch twin is a fair peer (torch present and on OpenBLAS or MKL). */
    public boolean twinUsable() {
      return torch != null
          && blas != null
          && (blas.startsWith("openblas") || blas.startsWith("mkl"));
    }
  }

  /**
   * One shape: our trainer and the twin, ms/step medians (over rounds of medians of chunks).
   *
   * @param width model width
   * @param depth blocks
   * @param heads heads
   * @param context tokens per window
   * @param batch windows per step
   * @param nonEmbeddingParams Kaplan N = 12 depth width^2
   * @param djlMsPerStep our trainer, median ms/step
   * @param torchMsPerStep the twin, median ms/step; NaN when skipped
   * @param djlRounds our per-round medians
   * @param torchRounds the twin's per-round medians
   */
  public record TrainerResult(
      int width,
      int depth,
      int heads,
      int context,
      int batch,
      long nonEmbeddingParams,
      double djlMsPerStep,
      double torchMsPerStep,
      List<Double> djlRounds,
      List<Double> torchRounds) {
    /** Tokens per optimizer step. */
    public long tokensPerStep() {
      return (long) batch * context;
    }

    /** Our tokens/s. */
    public double djlTokensPerSecond() {
      return tokensPerStep() * 1000.0 / djlMsPerStep;
    }

    /** The twin's tokens/s (NaN when skipped). */
    public double torchTokensPerSecond() {
      return tokensPerStep() * 1000.0 / torchMsPerStep;
    }

    /** Our tokens/s over the twin's (above 1: we are faster). */
    public double speedRatio() {
      return torchMsPerStep / djlMsPerStep;
    }

    /** Training FLOPs per token, Kaplan's 6N. */
    public double flopsPerToken6N() {
      return 6.0 * nonEmbeddingParams;
    }

    /**
     * Training FLOPs per token with attention: 6N + 6 depth context width (Kaplan et al. 2020,
     * Table 1).
     */
    public double flopsPerTokenWithAttention() {
      return 6.0 * nonEmbeddingParams + 6.0 * depth * context * width;
    }
  }

  /**
   * Our fitter against scipy's L-BFGS-B on one table.
   *
   * @param rows table rows
   * @param starts start points (both sides)
   * @param grid start grid name
   * @param delta Huber delta
   * @param oursSeconds our fit's wall time (warm JVM; median of repeats)
   * @param oursObjective our best objective
   * @param scipySeconds scipy's wall time, NaN when skipped
   * @param scipyObjective scipy's best objective, NaN when skipped
   * @param oursThreads threads our fitter used (common fork-join pool parallelism + caller)
   */
  public record FitComparison(
      int rows,
      int starts,
      String grid,
      double delta,
      double oursSeconds,
      double oursObjective,
      double scipySeconds,
      double scipyObjective,
      int oursThreads) {}

  /**
   * A quickstart OUT's schedule, from its commits (end time = commit file time, start = end -
   * wall).
   *
   * @param out the folder read
   * @param trials committed trials
   * @param slots concurrent trials (the largest overlap of trial intervals)
   * @param sumTrialSeconds sum of the trials' own wall times
   * @param longestTrialSeconds the longest trial
   * @param makespanSeconds first trial start to last trial end
   * @param lowerBoundSeconds max(sum / slots, longest)
   * @param meanGapSeconds mean idle time between a trial's end and the next start on the same slot
   *     (Spark task launch, result handling, the commit write: an upper bound on Spark's overhead
   *     per trial)
   * @param meanTrialSeconds mean trial wall time
   */
  public record ScheduleResult(
      String out,
      int trials,
      int slots,
      double sumTrialSeconds,
      double longestTrialSeconds,
      double makespanSeconds,
      double lowerBoundSeconds,
      double meanGapSeconds,
      double meanTrialSeconds) {}
}
