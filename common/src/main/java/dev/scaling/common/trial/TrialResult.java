package dev.scaling.common.trial;

import java.io.Serializable;
import java.util.List;

/**
 * What a worker returns for one trial: its final losses, its learning curve and how fast it ran.
 * The driver adds where it ran (executor, host, attempt) when it collects the result.
 *
 * @param trialId the trial this result belongs to
 * @param status how the trial ended
 * @param finalTrainLoss mean training loss over the last evaluation interval (nats/token)
 * @param finalEvalLoss held-out loss after the last step (nats/token)
 * @param entropyFloor exact entropy rate of the synthetic source (nats/token), null for text
 * @param error what went wrong, null when finished
 * @param stepsDone optimizer steps completed
 * @param tokensTrained tokens consumed by those steps
 * @param wallSeconds wall time of the whole trial, model build and evaluations included
 * @param tokensPerSecond training tokens per second of training-step time
 * @param device the DJL device the trial ran on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param curve the learning curve, in step order
 * @param resumedFromStep the checkpoint step this attempt resumed from (0 when it started fresh)
 * @param evalTokensPerByte held-out tokens per UTF-8 byte over the scored windows (bits per byte =
 *     loss x this / ln 2), null where tokens stand for no text (synthetic)
 * @param epochs training tokens seen over the training split's tokens (above 1 when it repeated),
 *     null where the source is unbounded (synthetic)
 * @param evalLossStderr standard error of the final held-out loss over its eval windows (the
 *     evaluation noise of this trial), null where not measured
 */
public record TrialResult(
    String trialId,
    TrialStatus status,
    double finalTrainLoss,
    double finalEvalLoss,
    Double entropyFloor,
    String error,
    long stepsDone,
    long tokensTrained,
    double wallSeconds,
    double tokensPerSecond,
    String device,
    List<CurvePoint> curve,
    long resumedFromStep,
    Double evalTokensPerByte,
    Double epochs,
    Double evalLossStderr)
    implements Serializable {

  /** A result without text statistics (synthetic data, or before they are known). */
  public TrialResult(
      String trialId,
      TrialStatus status,
      double finalTrainLoss,
      double finalEvalLoss,
      Double entropyFloor,
      String error,
      long stepsDone,
      long tokensTrained,
      double wallSeconds,
      double tokensPerSecond,
      String device,
      List<CurvePoint> curve,
      long resumedFromStep) {
    this(
        trialId,
        status,
        finalTrainLoss,
        finalEvalLoss,
        entropyFloor,
        error,
        stepsDone,
        tokensTrained,
        wallSeconds,
        tokensPerSecond,
        device,
        curve,
        resumedFromStep,
        null,
        null,
        null);
  }

  /** A result without the held-out loss's standard error (measured since id scheme v3). */
  public TrialResult(
      String trialId,
      TrialStatus status,
      double finalTrainLoss,
      double finalEvalLoss,
      Double entropyFloor,
      String error,
      long stepsDone,
      long tokensTrained,
      double wallSeconds,
      double tokensPerSecond,
      String device,
      List<CurvePoint> curve,
      long resumedFromStep,
      Double evalTokensPerByte,
      Double epochs) {
    this(
        trialId,
        status,
        finalTrainLoss,
        finalEvalLoss,
        entropyFloor,
        error,
        stepsDone,
        tokensTrained,
        wallSeconds,
        tokensPerSecond,
        device,
        curve,
        resumedFromStep,
        evalTokensPerByte,
        epochs,
        null);
  }

  /** This result with the standard error of its final held-out loss. */
  public TrialResult withEvalLossStderr(Double stderr) {
    return new TrialResult(
        trialId,
        status,
        finalTrainLoss,
        finalEvalLoss,
        entropyFloor,
        error,
        stepsDone,
        tokensTrained,
        wallSeconds,
        tokensPerSecond,
        device,
        curve,
        resumedFromStep,
        evalTokensPerByte,
        epochs,
        stderr);
  }

  /** This result with the text statistics of its data. */
  public TrialResult withText(Double evalTokensPerByte, Double epochs) {
    return new TrialResult(
        trialId,
        status,
        finalTrainLoss,
        finalEvalLoss,
        entropyFloor,
        error,
        stepsDone,
        tokensTrained,
        wallSeconds,
        tokensPerSecond,
        device,
        curve,
        resumedFromStep,
        evalTokensPerByte,
        epochs,
        evalLossStderr);
  }

  /**
   * Bits per UTF-8 byte of a held-out loss of {@code natsPerToken}: total nats over the held-out
   * windows / ln 2 / their bytes; NaN where tokens stand for no text.
   */
  public double bitsPerByte(double natsPerToken) {
    return evalTokensPerByte == null ? Double.NaN : natsPerToken * evalTokensPerByte / Math.log(2);
  }

  public TrialResult {
    if (trialId == null || status == null) {
      throw new IllegalArgumentException(
          "trial_id and status must be present, found " + trialId + ", " + status);
    }
    if (status == TrialStatus.FINISHED && !Double.isFinite(finalEvalLoss)) {
      throw new IllegalArgumentException(
          "final_eval_loss must be finite for a finished trial, found " + finalEvalLoss);
    }
    curve = curve == null ? List.of() : List.copyOf(curve);
    if (resumedFromStep < 0 || resumedFromStep > stepsDone) {
      throw new IllegalArgumentException(
          "resumed_from_step must be in [0, steps done ("
              + stepsDone
              + ")], found "
              + resumedFromStep);
    }
  }
}
