package dev.scaling.driver.predict;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.trial.Trial;
import java.util.List;

/**
 * What the curve laws made of one model (one wsd trunk): the curves they were fitted on, each law's
 * fit, the held-out branches and the predicted ones.
 *
 * @param trunkId the trunk
 * @param model the trunk's longest branch, naming the model (width, depth, learning rate, seed)
 * @param noise the model's evaluation noise: the median {@code eval_loss_stderr} of its fitted
 *     branches (else the sweep's), NaN when none is known
 * @param trunk the trunk's curve (null when no branch of it finished)
 * @param fitted the trained branches' curves the laws were fitted on, with the trunk's
 * @param heldOut the curves of predicted branches that were trained as a check
 * @param fits each law's fit (every law of {@link CurveLawForm}, the predicting one first)
 * @param predictions the predicted branches, by ascending tokens
 * @param failure why nothing was predicted for this model, null when it was
 */
public record ModelPrediction(
    String trunkId,
    Trial model,
    double noise,
    Curve trunk,
    List<Curve> fitted,
    List<Curve> heldOut,
    List<CurveLawFit> fits,
    List<PredictedBranch> predictions,
    String failure) {
  public ModelPrediction {
    fitted = List.copyOf(fitted);
    heldOut = List.copyOf(heldOut);
    fits = List.copyOf(fits);
    predictions = List.copyOf(predictions);
  }

  /** The fit of {@code law}, or null when it was not tried. */
  public CurveLawFit fit(CurveLawForm law) {
    return fits.stream().filter(f -> f.law() == law).findFirst().orElse(null);
  }

  /** A short name of the model for tables: width, depth, learning rate and replica. */
  public String label() {
    return String.format(
        java.util.Locale.ROOT,
        "w=%d d=%d lr=%.3g seed=%d",
        model.width(),
        model.depth(),
        model.training().learningRate(),
        model.replica());
  }
}
