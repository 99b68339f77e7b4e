package dev.scaling.driver.spark;

import ai.djl.Device;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.driver.bench.scale.StandInTrainer;
import dev.scaling.worker.Checkpoints;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;

/**
 * What a {@link TrialTask} calls to produce one trial's result: the DJL trainer ({@link #djl}) in
 * every sweep, or, in the scale bench only, a stand-in ({@link StandInTrainer}) chosen by the
 * bench-only Spark conf key {@link #STAND_IN_FLOPS_PER_SECOND}. Everything around it (decoding,
 * checkpoint policy, live updates, the commit, the curves rows) is the same for both, which is what
 * lets the bench measure the real task path at a scale no machine could train. Called on the task's
 * thread of an executor.
 */
public interface TrialTraining {

  /**
   * Spark conf, <b>bench only</b> ({@code ./sweep bench --scale}): FLOPs per second at which the
   * stand-in pretends to train; set, every independent trial sleeps its {@code 6ND / rate} seconds
   * and writes a synthetic curve instead of training (rows marked {@code trainer = stand-in}).
   * Unset (the default) trials train with DJL; no spec key, template or {@code run} flag sets it.
   */
  String STAND_IN_FLOPS_PER_SECOND = "spark.sweep.bench.standInFlopsPerSecond";

  /**
   * Trains (or stands in for) {@code trial} on {@code device}, reporting progress to {@code
   * listener} as {@link TrialTrainer} does.
   */
  TrialResult train(Trial trial, Device device, StepListener listener, Checkpoints checkpoints)
      throws Exception;

  /** The provenance of a result this produced on the calling thread now. */
  Provenance provenance();

  /** The DJL trainer: real training, the default. */
  static TrialTraining djl(Configuration hadoop) {
    TrialTrainer trainer = new TrialTrainer(hadoop);
    return new TrialTraining() {
      @Override
      public TrialResult train(
          Trial trial, Device device, StepListener listener, Checkpoints checkpoints) {
        return trainer.train(trial, device, listener, checkpoints);
      }

      @Override
      public Provenance provenance() {
        return TrialProvenance.current();
      }
    };
  }

  /**
   * What an executor's tasks use under {@code conf}: the stand-in where the bench set it, else DJL.
   */
  static TrialTraining forExecutor(SparkConf conf, Configuration hadoop) {
    double rate = standInRate(conf);
    return rate > 0 ? new StandInTrainer(rate) : djl(hadoop);
  }

  /** The stand-in's FLOP rate under {@code conf}, 0 when the stand-in is off. */
  static double standInRate(SparkConf conf) {
    String v = conf.get(STAND_IN_FLOPS_PER_SECOND, "");
    if (v.isBlank()) {
      return 0;
    }
    double rate = Double.parseDouble(v.trim());
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException(
          STAND_IN_FLOPS_PER_SECOND + " must be a finite number > 0, found " + v);
    }
    return rate;
  }

  /**
   * Fails when the stand-in is on: {@code what} (a runner the stand-in does not serve, e.g. the
   * task graph of branching schedules) trains only for real.
   */
  static void refuseStandIn(SparkConf conf, String what) {
    if (standInRate(conf) > 0) {
      throw new IllegalStateException(
          "the scale bench's stand-in ("
              + STAND_IN_FLOPS_PER_SECOND
              + ") serves independent trials only, not "
              + what
              + "; unset it");
    }
  }
}
