package dev.scaling.driver.spark;

import ai.djl.Device;
import dev.scaling.common.spec.GridSpec;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.driver.live.TimeEstimate;
import dev.scaling.driver.plan.Planner;
import dev.scaling.worker.Engines;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;

/**
 * The timed probe behind a local-mode {@link TimeEstimate}: a few optimizer steps and one held-out
 * evaluation of each distinct shape and batch size of the plan ({@link TimeEstimate#shapeKey}),
 * trained in the driver's JVM (in local mode the driver is the executor) on one thread per slot, as
 * the tasks will train. It lives with the Spark glue because it runs the worker's trainer; the
 * estimate's arithmetic stays in {@code live}.
 */
public final class TimeProbe {
  private TimeProbe() {}

  /**
   * Times a probe of each distinct shape of {@code trials} on this JVM (local mode: the driver is
   * the executor) with {@code threads} libtorch threads, and estimates from it.
   */
  public static TimeEstimate probe(
      SweepSpec spec, List<Trial> trials, int slots, int threads, Configuration hadoop) {
    long start = System.nanoTime();
    Engines.configure(Math.max(1, threads));
    TrialTrainer trainer = new TrialTrainer(hadoop);
    Map<String, Trial> shapes = new LinkedHashMap<>();
    for (Trial t : trials) {
      shapes.putIfAbsent(TimeEstimate.shapeKey(t), t);
    }
    // As many probes at once as trials will train at once (up to the cores), so the slots'
    // contention for cores and memory is in the measurement.
    int parallel = Math.max(1, Math.min(slots, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    Map<String, double[]> costs = new LinkedHashMap<>();
    try {
      // A first round warms the engine up (native libraries, allocator) and is not counted.
      probeRound(pool, parallel, trainer, spec, trials.get(0));
      for (Map.Entry<String, Trial> e : shapes.entrySet()) {
        costs.put(e.getKey(), probeRound(pool, parallel, trainer, spec, e.getValue()));
      }
    } finally {
      pool.shutdownNow();
    }
    double s =
        TimeEstimate.JOB_OVERHEAD
            + TimeEstimate.makespan(
                trials,
                slots,
                t -> {
                  double[] c = costs.get(TimeEstimate.shapeKey(t));
                  long evals =
                      (t.steps() + t.training().evalInterval() - 1) / t.training().evalInterval();
                  return c[0] + t.steps() * c[1] + Math.max(0, evals - 1) * c[2];
                });
    return new TimeEstimate(
        s,
        String.format(
            java.util.Locale.ROOT,
            "timed probe of %d %s, %d steps each, %d at once, in %.1fs",
            shapes.size(),
            trials.stream().map(t -> t.training().batchSize()).distinct().count() > 1
                ? "(shape, batch size) pair(s)"
                : "shape(s)",
            TimeEstimate.PROBE_STEPS,
            parallel,
            (System.nanoTime() - start) / 1e9),
        false);
  }

  /** {@code parallel} probes of {@code t}'s shape at once; their mean costs. */
  private static double[] probeRound(
      ExecutorService pool, int parallel, TrialTrainer trainer, SweepSpec spec, Trial t) {
    List<Future<double[]>> runs = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      runs.add(pool.submit(() -> probeOne(trainer, spec, t)));
    }
    double[] mean = new double[3];
    for (Future<double[]> f : runs) {
      double[] c;
      try {
        c = f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("time probe interrupted", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException("time probe failed: " + e.getCause(), e.getCause());
      }
      for (int k = 0; k < 3; k++) {
        mean[k] += c[k] / parallel;
      }
    }
    return mean;
  }

  /**
   * Seconds of one probe of {@code t}'s shape: fixed cost (data set-up plus one evaluation), one
   * training step, one evaluation.
   */
  private static double[] probeOne(TrialTrainer trainer, SweepSpec spec, Trial t) {
    long tokensPerStep = t.tokensPerStep();
    TrialResult r = trainer.train(probeTrial(spec, t), Device.cpu(), StepListener.NONE);
    double step =
        r.tokensPerSecond() > 0
            ? tokensPerStep / r.tokensPerSecond()
            : r.wallSeconds() / TimeEstimate.PROBE_STEPS;
    double eval =
        spec.data().evalTokens() / (double) tokensPerStep * step * TimeEstimate.EVAL_SHARE;
    double fixed = Math.max(0, r.wallSeconds() - TimeEstimate.PROBE_STEPS * step);
    return new double[] {fixed, step, eval};
  }

  /**
   * The trial a probe of {@code t} trains: {@code t}'s shape, batch size and microbatches for
   * {@link TimeEstimate#PROBE_STEPS} steps under the default schedule.
   */
  static Trial probeTrial(SweepSpec spec, Trial t) {
    long tokensPerStep = t.tokensPerStep();
    GridSpec g = spec.grid();
    GridSpec one =
        new GridSpec(
            List.of(t.width()),
            List.of(t.depth()),
            List.of(TimeEstimate.PROBE_STEPS * tokensPerStep),
            g.learningRate().isEmpty() ? g.learningRate() : List.of(g.learningRate().get(0)),
            List.of(0),
            null);
    // The schedule does not change a step's cost; the default one fits a probe of any length (a
    // wsd warmup may be longer than the probe's few steps). The batch size, its microbatches and
    // the noise-scale measurement do: the probe trains at the trial's own.
    TrainingSpec tr = t.training();
    TrainingSpec probeTraining =
        new TrainingSpec(
                tr.batchSize(),
                tr.learningRate(),
                0.0,
                tr.minLrFraction(),
                tr.gradClip(),
                tr.evalInterval())
            .withMicrobatches(tr.microbatches())
            .withNoiseScale(tr.noiseScale());
    SweepSpec probeSpec =
        new SweepSpec(
            spec.name() + "-probe", spec.seed(), spec.data(), spec.model(), one, probeTraining);
    return Planner.plan(probeSpec).trials().get(0);
  }
}
