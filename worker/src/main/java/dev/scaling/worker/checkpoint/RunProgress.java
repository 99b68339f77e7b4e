package dev.scaling.worker.checkpoint;

import dev.scaling.common.trial.CurvePoint;
import dev.scaling.worker.optim.NoiseScale;
import java.util.List;

/**
 * How far a training run has got, as a checkpoint records it (besides model, optimizer and data).
 *
 * @param step optimizer steps completed
 * @param trainNanos time spent in optimizer steps so far (tokens per second)
 * @param wallNanos wall time of the training so far
 * @param lossSum running sum of training losses since the last evaluation
 * @param lossCount number of losses in {@code lossSum}
 * @param lastTrainLoss mean training loss reported at the last evaluation (NaN before the first)
 * @param curve learning-curve points so far
 * @param noiseScale the gradient noise scale's moving averages, null where the run does not measure
 *     it (or a checkpoint of format version 2, written before it was measured)
 */
public record RunProgress(
    long step,
    long trainNanos,
    long wallNanos,
    double lossSum,
    long lossCount,
    double lastTrainLoss,
    List<CurvePoint> curve,
    NoiseScale.State noiseScale) {
  public RunProgress {
    curve = List.copyOf(curve);
  }

  /** Progress of a run that does not measure the gradient noise scale. */
  public RunProgress(
      long step,
      long trainNanos,
      long wallNanos,
      double lossSum,
      long lossCount,
      double lastTrainLoss,
      List<CurvePoint> curve) {
    this(step, trainNanos, wallNanos, lossSum, lossCount, lastTrainLoss, curve, null);
  }
}
