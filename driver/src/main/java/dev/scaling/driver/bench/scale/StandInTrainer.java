package dev.scaling.driver.bench.scale;

import ai.djl.Device;
import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.spark.TrialProvenance;
import dev.scaling.driver.spark.TrialTraining;
import dev.scaling.worker.Checkpoints;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The scale bench's stand-in for training, <b>bench only</b> (chosen by {@link
 * TrialTraining#STAND_IN_FLOPS_PER_SECOND}, never by a spec): it sleeps for the trial's predicted
 * duration, {@code 6ND / flopsPerSecond}, calling the {@link StepListener} as the DJL trainer does
 * (progress and train loss every {@link TrialTrainer#LISTENER_INTERVAL} steps' worth of time, an
 * evaluation every {@code eval_interval} steps and at the end), so the live page, the accumulators
 * and the commit see a normal trial. Its losses follow a known law, {@link #loss}: Chinchilla's
 * {@code L = E + A/N^alpha + B/D^beta} with D the tokens so far, plus Gaussian noise seeded by the
 * trial's seed. The result says {@link #DEVICE} and its provenance {@link
 * Provenance#TRAINER_STAND_IN}, so no row it writes can pass for a trained one. Called on a task's
 * thread.
 */
public final class StandInTrainer implements TrialTraining {
  /** The device column of every stand-in row. */
  public static final String DEVICE = "stand-in (bench, not trained)";

  /**
   * Chinchilla's fitted constants (Hoffmann et al. 2022, approach 3): the law the curves follow.
   */
  public static final double E = 1.69;

  public static final double A = 406.4;
  public static final double B = 410.7;
  public static final double ALPHA = 0.34;
  public static final double BETA = 0.28;

  /** Standard deviation of the noise added to every loss (nats/token). */
  public static final double NOISE = 0.005;

  private final double flopsPerSecond;

  /**
   * @param flopsPerSecond the pretended throughput: a trial sleeps {@code 6ND / flopsPerSecond}
   */
  public StandInTrainer(double flopsPerSecond) {
    if (!(flopsPerSecond > 0) || !Double.isFinite(flopsPerSecond)) {
      throw new IllegalArgumentException(
          "stand-in FLOPs per second must be a finite number > 0, found " + flopsPerSecond);
    }
    this.flopsPerSecond = flopsPerSecond;
  }

  /** The noiseless loss of the law at {@code n} parameters after {@code d} tokens. */
  public static double loss(double n, double d) {
    return E + A / Math.pow(n, ALPHA) + B / Math.pow(d, BETA);
  }

  /** Seconds the stand-in sleeps for {@code trial} at {@code flopsPerSecond}. */
  public static double seconds(Trial trial, double flopsPerSecond) {
    return trial.flops() / flopsPerSecond;
  }

  @Override
  public TrialResult train(
      Trial trial, Device device, StepListener listener, Checkpoints checkpoints)
      throws InterruptedException {
    long start = System.nanoTime();
    StepListener progress = listener == null ? StepListener.NONE : listener;
    long steps = trial.steps();
    long perStep = trial.tokensPerStep();
    int evalInterval = trial.training().evalInterval();
    double nanosPerStep = seconds(trial, flopsPerSecond) * 1e9 / steps;
    double n = trial.nParams();
    LearningRateSchedule schedule = trial.schedule();
    Random noise = new Random(trial.seed() ^ 0x5eed5ca1eL);
    List<CurvePoint> curve = new ArrayList<>();
    double trainSum = 0;
    int trainCount = 0;
    double lastTrain = Double.NaN;
    double lastEval = Double.NaN;
    long done = 0;
    while (done < steps) {
      // The next report: a multiple of the listener interval, an evaluation or the end.
      int every = TrialTrainer.LISTENER_INTERVAL;
      long next = Math.min(steps, (done / every + 1) * every);
      if (evalInterval > 0 && next / evalInterval > done / evalInterval) {
        next = Math.min(next, (done / evalInterval + 1) * evalInterval);
      }
      long wake = start + (long) (next * nanosPerStep);
      long wait = wake - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      done = next;
      double trainLoss = loss(n, (double) done * perStep) + NOISE * noise.nextGaussian();
      trainSum += trainLoss;
      trainCount++;
      if (done % TrialTrainer.LISTENER_INTERVAL == 0 || done == steps) {
        progress.onSteps(done, done * perStep);
        progress.onTrainLoss(done, trainLoss);
      }
      if (done % evalInterval == 0 || done == steps) {
        lastTrain = trainSum / trainCount;
        trainSum = 0;
        trainCount = 0;
        lastEval = loss(n, (double) done * perStep) + NOISE * noise.nextGaussian();
        curve.add(new CurvePoint(done, done * perStep, schedule.at(done - 1), lastTrain, lastEval));
        progress.onEvaluation(done, lastTrain, lastEval);
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    long tokens = steps * perStep;
    return TrialResult.builder(trial.trialId(), TrialStatus.FINISHED)
        .finalTrainLoss(lastTrain)
        .finalEvalLoss(lastEval)
        .stepsDone(steps)
        .tokensTrained(tokens)
        .wallSeconds(wall)
        .tokensPerSecond(wall > 0 ? tokens / wall : 0)
        .device(DEVICE)
        .curve(curve)
        .build();
  }

  @Override
  public Provenance provenance() {
    return TrialProvenance.current().withTrainer(Provenance.TRAINER_STAND_IN);
  }
}
