package dev.scaling.driver.live;

import ai.djl.Device;
import dev.scaling.common.spec.GridSpec;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.worker.Engines;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;

/**
 * The sweep's wall-time estimate: the trials' times list-scheduled in plan order onto the slots
 * (what Spark does with one task per trial). In local mode each distinct shape of the plan is timed
 * first by a short probe (a few optimizer steps and one held-out evaluation, on one thread per slot
 * as the tasks train); elsewhere the figure is provisional, from a default throughput per slot, and
 * {@link #refined} recomputes it from the first finished trials.
 *
 * @param seconds estimated wall time of the trials to train
 * @param basis how it was made, for the console and the Sweep page
 * @param provisional whether it rests on an assumed throughput rather than a measurement
 */
public record TimeEstimate(double seconds, String basis, boolean provisional) {

  /** Optimizer steps each probe trains. */
  static final int PROBE_STEPS = 12;

  /** A held-out evaluation costs about a third of a training step per batch (forward only). */
  static final double EVAL_SHARE = 1.0 / 3;

  /** Seconds Spark needs to start the sweep's job and tasks. */
  static final double JOB_OVERHEAD = 1.5;

  /**
   * This estimate for a sweep that trains {@code factor} of the work its trials would take as
   * independent runs (branched cooldowns share their trunks), with the reason added to the basis.
   */
  public TimeEstimate scaled(double factor, String reason) {
    return new TimeEstimate(seconds * factor, basis + "; " + reason, provisional);
  }

  /** The page's view of this estimate. */
  public SweepView.Estimate view() {
    return new SweepView.Estimate(seconds, basis);
  }

  /**
   * The provisional estimate at {@code flopsPerSlot} 6ND FLOP/s per slot (a cluster, or no probe).
   */
  public static TimeEstimate provisional(List<Trial> trials, int slots, double flopsPerSlot) {
    double s = makespan(trials, slots, t -> t.flops() / flopsPerSlot);
    return new TimeEstimate(
        s,
        String.format(
            java.util.Locale.ROOT,
            "provisional: assumes %.2g FLOP/s (6ND) per slot; refined once the first trials finish",
            flopsPerSlot),
        true);
  }

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
      shapes.putIfAbsent(shapeKey(t), t);
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
        JOB_OVERHEAD
            + makespan(
                trials,
                slots,
                t -> {
                  double[] c = costs.get(shapeKey(t));
                  long evals =
                      (t.steps() + t.training().evalInterval() - 1) / t.training().evalInterval();
                  return c[0] + t.steps() * c[1] + Math.max(0, evals - 1) * c[2];
                });
    return new TimeEstimate(
        s,
        String.format(
            java.util.Locale.ROOT,
            "timed probe of %d shape(s), %d steps each, %d at once, in %.1fs",
            shapes.size(),
            PROBE_STEPS,
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
    long tokensPerStep = (long) t.training().batchSize() * t.context();
    GridSpec g = spec.grid();
    GridSpec one =
        new GridSpec(
            List.of(t.width()),
            List.of(t.depth()),
            List.of(PROBE_STEPS * tokensPerStep),
            g.learningRate().isEmpty() ? g.learningRate() : List.of(g.learningRate().get(0)),
            List.of(0),
            null);
    // The schedule does not change a step's cost; the default one fits a probe of any length (a
    // wsd warmup may be longer than the probe's few steps).
    TrainingSpec tr = spec.training();
    TrainingSpec probeTraining =
        new TrainingSpec(
            tr.batchSize(),
            tr.learningRate(),
            0.0,
            tr.minLrFraction(),
            tr.gradClip(),
            tr.evalInterval());
    SweepSpec probeSpec =
        new SweepSpec(
            spec.name() + "-probe", spec.seed(), spec.data(), spec.model(), one, probeTraining);
    Trial probe = Planner.plan(probeSpec).trials().get(0);
    TrialResult r = trainer.train(probe, Device.cpu(), StepListener.NONE);
    double step =
        r.tokensPerSecond() > 0
            ? tokensPerStep / r.tokensPerSecond()
            : r.wallSeconds() / PROBE_STEPS;
    double eval = spec.data().evalTokens() / (double) tokensPerStep * step * EVAL_SHARE;
    double fixed = Math.max(0, r.wallSeconds() - PROBE_STEPS * step);
    return new double[] {fixed, step, eval};
  }

  /** Trials of one shape cost the same per step. */
  static String shapeKey(Trial t) {
    return t.width()
        + "x"
        + t.depth()
        + "/"
        + t.heads()
        + "/"
        + t.context()
        + "/"
        + t.vocab()
        + "/"
        + t.training().batchSize();
  }

  /** Greedy list scheduling in plan order onto {@code slots}: the time the last slot frees. */
  static double makespan(List<Trial> trials, int slots, ToDoubleFunction<Trial> seconds) {
    PriorityQueue<Double> free = new PriorityQueue<>();
    for (int i = 0; i < Math.max(1, slots); i++) {
      free.add(0.0);
    }
    double end = 0;
    for (Trial t : trials) {
      double finish = free.poll() + seconds.applyAsDouble(t);
      end = Math.max(end, finish);
      free.add(finish);
    }
    return end;
  }

  /**
   * The remaining time from the trials this run finished so far (their 6ND FLOP/s per slot), for
   * the trials not finished yet; null when none finished.
   */
  public static TimeEstimate refined(
      Plan plan, Collection<TrialOutcome> committedThisRun, Collection<String> done, int slots) {
    double flops = 0;
    double seconds = 0;
    int n = 0;
    for (TrialOutcome o : committedThisRun) {
      if (o.result().status() == TrialStatus.FINISHED && o.result().wallSeconds() > 0) {
        flops += o.trial().flops();
        seconds += o.result().wallSeconds();
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    double rate = flops / seconds;
    List<Trial> left = new ArrayList<>();
    for (Trial t : plan.trials()) {
      if (!done.contains(t.trialId())) {
        left.add(t);
      }
    }
    return new TimeEstimate(
        makespan(left, slots, t -> t.flops() / rate),
        String.format(
            java.util.Locale.ROOT,
            "refined from %d finished trial(s): %.3g FLOP/s (6ND) per slot; remaining time",
            n,
            rate),
        false);
  }
}
