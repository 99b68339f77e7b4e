package dev.scaling.worker.checkpoint;

import dev.scaling.common.trial.CurvePoint;
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
 */
public record RunProgress(
    long step,
    long trainNanos,
    long wallNanos,
    double lossSum,
    long lossCount,
    double lastTrainLoss,
    List<CurvePoint> curve) {
  public RunProgress {
    curve = List.copyOf(curve);
  }
}
