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
 * @param gradNoiseScale the gradient noise scale B_simple (tokens) at the last step, as its last
 *     curve point has it; null where not measured ({@code training.noise_scale} off, one
 *     microbatch) or not defined
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
    Double evalLossStderr,
    Double gradNoiseScale)
    implements Serializable {

  /** A builder for a result of {@code trialId} that ended with {@code status}. */
  public static Builder builder(String trialId, TrialStatus status) {
    return new Builder(trialId, status);
  }

  /** A builder holding every field of this result, to change some of them. */
  public Builder toBuilder() {
    return new Builder(trialId, status)
        .finalTrainLoss(finalTrainLoss)
        .finalEvalLoss(finalEvalLoss)
        .entropyFloor(entropyFloor)
        .error(error)
        .stepsDone(stepsDone)
        .tokensTrained(tokensTrained)
        .wallSeconds(wallSeconds)
        .tokensPerSecond(tokensPerSecond)
        .device(device)
        .curve(curve)
        .resumedFromStep(resumedFromStep)
        .evalTokensPerByte(evalTokensPerByte)
        .epochs(epochs)
        .evalLossStderr(evalLossStderr)
        .gradNoiseScale(gradNoiseScale);
  }

  /** This result as trained on {@code device} (e.g. a GPU trial that fell back to the CPU). */
  public TrialResult withDevice(String device) {
    return toBuilder().device(device).build();
  }

  /** This result with the text statistics of its data. */
  public TrialResult withText(Double evalTokensPerByte, Double epochs) {
    return toBuilder().evalTokensPerByte(evalTokensPerByte).epochs(epochs).build();
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

  /**
   * Builds a {@link TrialResult} by name, so a new field is added here and in {@link #toBuilder}
   * only. Unset losses are NaN, unset counts 0, unset optional statistics null.
   */
  public static final class Builder {
    private final String trialId;
    private final TrialStatus status;
    private double finalTrainLoss = Double.NaN;
    private double finalEvalLoss = Double.NaN;
    private Double entropyFloor;
    private String error;
    private long stepsDone;
    private long tokensTrained;
    private double wallSeconds;
    private double tokensPerSecond;
    private String device;
    private List<CurvePoint> curve = List.of();
    private long resumedFromStep;
    private Double evalTokensPerByte;
    private Double epochs;
    private Double evalLossStderr;
    private Double gradNoiseScale;

    private Builder(String trialId, TrialStatus status) {
      this.trialId = trialId;
      this.status = status;
    }

    public Builder finalTrainLoss(double v) {
      finalTrainLoss = v;
      return this;
    }

    public Builder finalEvalLoss(double v) {
      finalEvalLoss = v;
      return this;
    }

    public Builder entropyFloor(Double v) {
      entropyFloor = v;
      return this;
    }

    public Builder error(String v) {
      error = v;
      return this;
    }

    public Builder stepsDone(long v) {
      stepsDone = v;
      return this;
    }

    public Builder tokensTrained(long v) {
      tokensTrained = v;
      return this;
    }

    public Builder wallSeconds(double v) {
      wallSeconds = v;
      return this;
    }

    public Builder tokensPerSecond(double v) {
      tokensPerSecond = v;
      return this;
    }

    public Builder device(String v) {
      device = v;
      return this;
    }

    public Builder curve(List<CurvePoint> v) {
      curve = v;
      return this;
    }

    public Builder resumedFromStep(long v) {
      resumedFromStep = v;
      return this;
    }

    public Builder evalTokensPerByte(Double v) {
      evalTokensPerByte = v;
      return this;
    }

    public Builder epochs(Double v) {
      epochs = v;
      return this;
    }

    public Builder evalLossStderr(Double v) {
      evalLossStderr = v;
      return this;
    }

    public Builder gradNoiseScale(Double v) {
      gradNoiseScale = v;
      return this;
    }

    public TrialResult build() {
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
          evalLossStderr,
          gradNoiseScale);
    }
  }
}
