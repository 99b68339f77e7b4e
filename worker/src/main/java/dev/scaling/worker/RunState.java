package dev.scaling.worker;

import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.checkpoint.RunProgress;
import dev.scaling.worker.optim.NoiseScale;
import java.util.ArrayList;
import java.util.List;

/**
 * The progress of one training run: steps done, the running training loss since the last
 * evaluation, the learning curve, the gradient noise scale's moving averages where the run measures
 * it, and the time spent, including earlier attempts when the run resumed from a checkpoint. It
 * turns into the {@link RunProgress} a checkpoint saves and into the trial's result.
 */
final class RunState {
  private final long startNanos;
  private final long tokensPerStep;
  private final List<CurvePoint> curve = new ArrayList<>();

  /** The gradient noise scale's estimator, null where the run does not measure it. */
  private final NoiseScale noiseScale;

  private long stepsDone;
  private double lossSum;
  private long lossCount;
  private double lastTrainLoss = Double.NaN;
  private double lastEvalStderr = Double.NaN;
  private long trainNanos;
  private long priorWallNanos;
  private long resumedFromStep;

  /**
   * @param startNanos {@link System#nanoTime()} when this attempt started
   * @param tokensPerStep training tokens per optimizer step (batch x context)
   * @param noiseScale the run's gradient noise-scale estimator, null where it measures none
   */
  RunState(long startNanos, long tokensPerStep, NoiseScale noiseScale) {
    this.startNanos = startNanos;
    this.tokensPerStep = tokensPerStep;
    this.noiseScale = noiseScale;
  }

  /**
   * Continues from a checkpoint's progress; its wall time counts towards this run's. A checkpoint
   * without noise-scale averages (written with the measurement off, which changes no gradient)
   * leaves this run's estimator to start afresh.
   */
  void resume(RunProgress saved) {
    if (noiseScale != null && saved.noiseScale() != null) {
      noiseScale.restore(saved.noiseScale());
    }
    stepsDone = saved.step();
    curve.addAll(saved.curve());
    lossSum = saved.lossSum();
    lossCount = saved.lossCount();
    lastTrainLoss = saved.lastTrainLoss();
    trainNanos = saved.trainNanos();
    priorWallNanos = saved.wallNanos();
    resumedFromStep = stepsDone;
  }

  long stepsDone() {
    return stepsDone;
  }

  long tokensDone() {
    return stepsDone * tokensPerStep;
  }

  /** The run's gradient noise-scale estimator, null where it measures none. */
  NoiseScale noiseScale() {
    return noiseScale;
  }

  /** The gradient noise scale now (tokens), null where not measured or not yet defined. */
  Double gradNoiseScale() {
    return noiseScale == null ? null : noiseScale.value();
  }

  /** Adds time spent in an optimizer step. */
  void addTrainNanos(long nanos) {
    trainNanos += nanos;
  }

  /** Counts a completed optimizer step with a finite training loss. */
  void stepDone(float loss) {
    stepsDone++;
    lossSum += loss;
    lossCount++;
  }

  /**
   * Closes the training-loss window at an evaluation and adds the curve point.
   *
   * @param lr the learning rate of the last step
   * @param evalLoss the held-out loss now
   */
  void evaluated(float lr, double evalLoss, double evalStderr) {
    lastEvalStderr = evalStderr;
    lastTrainLoss = lossSum / lossCount;
    lossSum = 0;
    lossCount = 0;
    curve.add(
        new CurvePoint(stepsDone, tokensDone(), lr, lastTrainLoss, evalLoss, gradNoiseScale()));
  }

  /** Standard error of the last held-out loss (NaN before any evaluation of this attempt). */
  double lastEvalStderr() {
    return lastEvalStderr;
  }

  double lastTrainLoss() {
    return lastTrainLoss;
  }

  /** The held-out loss of the last curve point. */
  double lastEvalLoss() {
    return curve.get(curve.size() - 1).evalLoss();
  }

  /** Wall time of this trial's training, including earlier attempts up to their last checkpoint. */
  long wallNanos() {
    return priorWallNanos + System.nanoTime() - startNanos;
  }

  /** What a checkpoint taken now records. */
  RunProgress progress() {
    return new RunProgress(
        stepsDone,
        trainNanos,
        wallNanos(),
        lossSum,
        lossCount,
        lastTrainLoss,
        curve,
        noiseScale == null ? null : noiseScale.state());
  }

  /** The trial's result as of now. */
  TrialResult result(
      String trialId,
      TrialStatus status,
      double trainLoss,
      double evalLoss,
      Double entropyFloor,
      String error,
      String device) {
    long tokens = tokensDone();
    return TrialResult.builder(trialId, status)
        .finalTrainLoss(trainLoss)
        .finalEvalLoss(evalLoss)
        .entropyFloor(entropyFloor)
        .error(error)
        .stepsDone(stepsDone)
        .tokensTrained(tokens)
        .wallSeconds(seconds(wallNanos()))
        .tokensPerSecond(trainNanos <= 0 ? 0 : tokens / seconds(trainNanos))
        .device(device)
        .curve(curve)
        .resumedFromStep(resumedFromStep)
        .evalLossStderr(Double.isFinite(lastEvalStderr) ? lastEvalStderr : null)
        .gradNoiseScale(gradNoiseScale())
        .build();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
