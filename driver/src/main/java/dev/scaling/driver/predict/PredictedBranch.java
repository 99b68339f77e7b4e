package dev.scaling.driver.predict;

import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.trial.Trial;

/**
 * The predicted final held-out loss of one cooldown branch that was not trained for the fit: a row
 * of the trials table with status {@value #STATUS}, its 95% prediction interval in {@code
 * predicted_loss_low} and {@code predicted_loss_high}. With {@code --verify-predictions} the branch
 * was trained too, and its trained twin's loss and noise say how good the prediction was.
 *
 * @param trial the grid point (its trial id is the one it has when trained)
 * @param law the curve law that predicted it
 * @param loss the predicted final held-out loss (nats/token)
 * @param low lower end of the 95% prediction interval for a measured final loss
 * @param high upper end of it
 * @param noise the evaluation noise of the model (median {@code eval_loss_stderr} of its fitted
 *     branches) that the interval includes
 * @param twinLoss the trained twin's final held-out loss, null when it was not trained
 * @param twinStderr the trained twin's {@code eval_loss_stderr}, null when unknown
 */
public record PredictedBranch(
    Trial trial,
    CurveLawForm law,
    double loss,
    double low,
    double high,
    double noise,
    Double twinLoss,
    Double twinStderr) {
  /** The {@code status} of a predicted row in the trials table. */
  public static final String STATUS = "predicted";

  public PredictedBranch {
    if (trial == null || law == null) {
      throw new IllegalArgumentException("a predicted branch needs its trial and law");
    }
    if (!(Double.isFinite(loss) && loss > 0)) {
      throw new IllegalArgumentException(
          "predicted loss of " + trial.trialId() + " must be finite and positive, found " + loss);
    }
    if (!(low <= loss && loss <= high)) {
      throw new IllegalArgumentException(
          "prediction interval of "
              + trial.trialId()
              + " must hold the prediction: "
              + low
              + " <= "
              + loss
              + " <= "
              + high);
    }
  }

  /** Whether the branch was trained too (by {@code --verify-predictions}). */
  public boolean verified() {
    return twinLoss != null;
  }

  /** The noise a difference is measured in: the twin's own standard error, else the model's. */
  public double checkNoise() {
    return twinStderr != null && twinStderr > 0 ? twinStderr : noise;
  }

  /** (predicted - trained) / noise of the check; NaN when not verified. */
  public double z() {
    return verified() ? (loss - twinLoss) / checkNoise() : Double.NaN;
  }

  /** Whether the trained loss lies inside the prediction interval; false when not verified. */
  public boolean covered() {
    return verified() && low <= twinLoss && twinLoss <= high;
  }

  /** This prediction with its trained twin's loss and standard error. */
  public PredictedBranch withTwin(double trained, Double stderr) {
    return new PredictedBranch(trial, law, loss, low, high, noise, trained, stderr);
  }
}
