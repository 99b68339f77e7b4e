package dev.scaling.driver.live;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToDoubleFunction;

/**
 * The sweep's wall-time estimate: the trials' times list-scheduled in plan order onto the slots
 * (what Spark does with one task per trial). In local mode each distinct shape of the plan is timed
 * first by a short probe ({@code dev.scaling.driver.spark.TimeProbe}) (a few optimizer steps and
 * one held-out evaluation, on one thread per slot as the tasks train); elsewhere the figure is
 * provisional, from a default throughput per slot, and {@link #refined} recomputes it from the
 * first finished trials.
 *
 * @param seconds estimated wall time of the trials to train
 * @param basis how it was made, for the console and the Sweep page
 * @param provisional whether it rests on an assumed throughput rather than a measurement
 */
public record TimeEstimate(double seconds, String basis, boolean provisional) {

  /** Optimizer steps each probe trains. */
  public static final int PROBE_STEPS = 12;

  /** A held-out evaluation costs about a third of a training step per batch (forward only). */
  public static final double EVAL_SHARE = 1.0 / 3;

  /** Seconds Spark needs to start the sweep's job and tasks. */
  public static final double JOB_OVERHEAD = 1.5;

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

  /** Trials of one shape cost the same per step. */
  public static String shapeKey(Trial t) {
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
  public static double makespan(List<Trial> trials, int slots, ToDoubleFunction<Trial> seconds) {
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
