package dev.scaling.driver.bench;

import static dev.scaling.common.fit.Quantiles.median;
import static dev.scaling.driver.bench.BenchTable.fmt;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.plan.Planner;
import dev.scaling.worker.Engines;
import dev.scaling.worker.TrialTrainer;
import dev.scaling.worker.model.LanguageModel;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.optim.GradientNorms;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The noise-scale section of the bench: per-step time of the quickstart's largest trial shape (read
 * from {@code examples/quickstart.yaml}: its model, data source, batch and learning rate) trained
 * by the worker's {@link TrialTrainer} in this JVM on one intra-op thread, with 2 microbatches and
 * the gradient noise scale on against off (its overhead, target at most {@link #TARGET_OVERHEAD}),
 * and with 2 microbatches against 1 (what splitting the batch costs; reported, no target). The
 * three variants alternate in rotating order each round; each trial's time is the median of its
 * 10-step chunks after a warm-up, ratios are paired within a round, and the rows give medians over
 * rounds.
 */
final class NoiseScaleBench {
  /** The largest overhead of the noise-scale reads per step allowed. */
  static final double TARGET_OVERHEAD = 0.05;

  /** Held-out tokens of the bench trials' one evaluation (after the last timed step). */
  static final int EVAL_TOKENS = 4096;

  /** The three timed variants: microbatches, and whether the noise scale is measured. */
  private enum Variant {
    ONE_BATCH(1, false),
    SPLIT_OFF(2, false),
    SPLIT_ON(2, true);

    final int microbatches;
    final boolean noiseScale;

    Variant(int microbatches, boolean noiseScale) {
      this.microbatches = microbatches;
      this.noiseScale = noiseScale;
    }
  }

  /**
   * What the section measured (per-step CPU times in ms of the training thread).
   *
   * @param shape the trial shape, e.g. {@code w64 d1 h16 T64 B16}
   * @param oneBatchMs one microbatch (least disturbed chunk)
   * @param splitOffMs 2 microbatches, noise scale off (least disturbed chunk)
   * @param splitOnMs 2 microbatches, noise scale on (least disturbed chunk)
   * @param overhead on / off - 1 of the least disturbed chunks
   * @param splitCost (2 microbatches, off) / (1) - 1 of the least disturbed chunks
   * @param pairedOverhead median over rounds of each round's on / off - 1
   * @param pairedSplitCost median over rounds of each round's 2 / 1 - 1
   * @param readShare the two squared-norm reads per step, timed alone, over a step (off)
   */
  record Result(
      String shape,
      double oneBatchMs,
      double splitOffMs,
      double splitOnMs,
      double overhead,
      double splitCost,
      double pairedOverhead,
      double pairedSplitCost,
      double readShare) {}

  private final boolean quick;
  private final Path examples;
  private final PrintStream log;

  /**
   * @param quick fewer rounds and chunks
   * @param examples the folder holding quickstart.yaml
   * @param log where progress lines go
   */
  NoiseScaleBench(boolean quick, Path examples, PrintStream log) {
    this.quick = quick;
    this.examples = examples;
    this.log = log;
  }

  /** Adds the section's rows; returns the measurements, or null when quickstart.yaml is missing. */
  Result run(List<Row> rows) {
    Path spec = examples.resolve("quickstart.yaml");
    if (!Files.isRegularFile(spec)) {
      rows.add(
          new Row(
              "noise",
              "noise-scale overhead per step",
              "n/a",
              "n/a",
              "n/a",
              "<= 5%",
              "SKIPPED",
              "no " + spec + " (run from the repository root)"));
      return null;
    }
    TrialConfig largest;
    try {
      largest =
          Planner.plan(SpecParser.parse(spec)).trials().stream()
              .max(Comparator.comparingLong(Trial::nParamsTotal))
              .orElseThrow()
              .config();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int rounds = quick ? 3 : 7;
    int warmupChunks = 2;
    int chunks = quick ? 4 : 8;
    String shape =
        String.format(
            Locale.ROOT,
            "w%d d%d h%d T%d B%d",
            largest.width(),
            largest.depth(),
            largest.heads(),
            largest.context(),
            largest.training().batchSize());
    // Warm the engine, the JIT and the allocator for this shape on every code path first.
    for (Variant v : Variant.values()) {
      chunkMs(benchTrial(largest, v, 1, 1), 1, 1);
    }
    // Per variant: every timed chunk of every round (the least disturbed one is their minimum),
    // and each round's median chunk (paired within the round).
    List<List<Double>> allChunks = new ArrayList<>();
    List<List<Double>> roundMedians = new ArrayList<>();
    for (int k = 0; k < Variant.values().length; k++) {
      allChunks.add(new ArrayList<>());
      roundMedians.add(new ArrayList<>());
    }
    List<Double> pairedOverheads = new ArrayList<>();
    List<Double> pairedSplitCosts = new ArrayList<>();
    Variant[] order = Variant.values();
    for (int r = 0; r < rounds; r++) {
      double[] ms = new double[order.length];
      for (int k = 0; k < order.length; k++) {
        Variant v = order[(k + r) % order.length];
        double[] chunkTimes =
            chunkMs(benchTrial(largest, v, warmupChunks, chunks), warmupChunks, chunks);
        for (double c : chunkTimes) {
          allChunks.get(v.ordinal()).add(c);
        }
        ms[v.ordinal()] = median(chunkTimes);
        roundMedians.get(v.ordinal()).add(ms[v.ordinal()]);
      }
      pairedOverheads.add(ms[Variant.SPLIT_ON.ordinal()] / ms[Variant.SPLIT_OFF.ordinal()] - 1);
      pairedSplitCosts.add(ms[Variant.SPLIT_OFF.ordinal()] / ms[Variant.ONE_BATCH.ordinal()] - 1);
      log.printf(
          Locale.ROOT,
          "noise bench round %d: %s CPU ms/step 1 batch %.3f, 2 microbatches off %.3f, on %.3f%n",
          r + 1,
          shape,
          ms[0],
          ms[1],
          ms[2]);
    }
    double oneBatch = minOf(allChunks.get(Variant.ONE_BATCH.ordinal()));
    double splitOff = minOf(allChunks.get(Variant.SPLIT_OFF.ordinal()));
    double splitOn = minOf(allChunks.get(Variant.SPLIT_ON.ordinal()));
    double readMs = normReadMs(benchTrial(largest, Variant.SPLIT_ON, 1, 1), quick ? 200 : 1000);
    Result result =
        new Result(
            shape,
            oneBatch,
            splitOff,
            splitOn,
            splitOn / splitOff - 1,
            splitOff / oneBatch - 1,
            medianOf(pairedOverheads),
            medianOf(pairedSplitCosts),
            2 * readMs / splitOff);
    log.printf(
        Locale.ROOT,
        "noise bench: one squared-norm read of all gradients %.4f CPU ms (2 per step)%n",
        readMs);
    int timed = rounds * chunks;
    rows.add(
        new Row(
            "noise",
            "noise-scale overhead, " + shape + ", 2 microbatches: CPU ms/step on | off",
            fmt(result.splitOnMs()),
            fmt(result.splitOffMs()),
            percent(result.overhead()),
            "<= 5%",
            result.overhead() <= TARGET_OVERHEAD ? "MEETS" : "MISSES",
            "largest quickstart shape, 1 thread, the training thread's CPU time; least disturbed"
                + " 10-step chunk of "
                + timed
                + " each; paired medians of "
                + rounds
                + " rounds give "
                + percent(result.pairedOverhead())
                + " "
                + pairedOverheads.stream().map(NoiseScaleBench::percent).toList()
                + "; the two norm reads alone take "
                + percent(result.readShare())
                + " of a step ("
                + fmt(readMs)
                + " ms each)"));
    rows.add(
        new Row(
            "noise",
            "2 microbatches vs 1, " + shape + ": CPU ms/step 2 | 1",
            fmt(result.splitOffMs()),
            fmt(result.oneBatchMs()),
            percent(result.splitCost()),
            "",
            "INFO",
            "the cost of splitting the batch (noise scale off); least disturbed chunk of "
                + timed
                + " each; paired medians "
                + percent(result.pairedSplitCost())
                + " "
                + pairedSplitCosts.stream().map(NoiseScaleBench::percent).toList()));
    return result;
  }

  /**
   * CPU ms of one {@link GradientNorms#squaredNorm} over arrays shaped like {@code trial}'s
   * parameters (what the trainer reads twice a step), the median of {@code repeats} reads.
   */
  private static double normReadMs(Trial trial, int repeats) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    LanguageModel model = ModelFamilies.build(trial);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Engines.ENGINE)) {
      Engines.applyThreadsToCurrentThread();
      model.initialize(manager, trial.seed());
      List<NDArray> arrays = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        arrays.add(manager.randomNormal(p.getValue().getArray().getShape()));
      }
      NDArray[] grads = arrays.toArray(NDArray[]::new);
      double[] ms = new double[repeats];
      for (int warm = 0; warm < 50; warm++) {
        GradientNorms.squaredNorm(grads);
      }
      for (int i = 0; i < repeats; i++) {
        long t0 = threads.getCurrentThreadCpuTime();
        GradientNorms.squaredNorm(grads);
        ms[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
      }
      return median(ms);
    }
  }

  private static double minOf(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction);
  }

  private static double medianOf(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The quickstart's largest configuration as a bench trial of {@code (warmupChunks + chunks) x 10}
   * steps of variant {@code v}: its model, data source, batch, learning rate and clipping, a cosine
   * schedule, one small evaluation after the last step.
   */
  private static Trial benchTrial(TrialConfig largest, Variant v, int warmupChunks, int chunks) {
    TrainingSpec q = largest.training();
    long steps = (long) (warmupChunks + chunks) * TrialTrainer.LISTENER_INTERVAL;
    TrainingSpec training =
        new TrainingSpec(q.batchSize(), q.learningRate(), 0.05, 0.1, q.gradClip(), (int) steps)
            .withMicrobatches(v.microbatches)
            .withNoiseScale(v.noiseScale);
    return ModelFamilies.trial(
        "bench",
        largest
            .withData(largest.data().toBuilder().evalTokens(EVAL_TOKENS).build())
            .withTraining(training)
            .withTokens(steps * q.batchSize() * largest.context()));
  }

  /**
   * Trains {@code trial}; CPU ms/step of each 10-step chunk after the first {@code warmupChunks}:
   * the training thread's CPU time (libtorch runs each op on the calling thread with one intra-op
   * thread), so other processes on a shared machine do not count, as they would in wall time.
   */
  private static double[] chunkMs(Trial trial, int warmupChunks, int chunks) {
    int chunk = TrialTrainer.LISTENER_INTERVAL;
    long[] at = new long[warmupChunks + chunks + 1];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    TrialResult result =
        new TrialTrainer(null)
            .train(
                trial,
                Device.cpu(),
                (done, tokens) -> {
                  if (done % chunk == 0) {
                    at[(int) (done / chunk)] =
                        cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
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
}
