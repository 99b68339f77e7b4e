package dev.scaling.driver.predict;

/**
 * How much a predicted final loss counts in the L(N, D) fit against a trained one: inverse variance
 * relative to a trained point, {@code min(1, (sigma_eval / sigma_pred)^2)}, where sigma_eval is the
 * evaluation noise of a trained point (the sweep's median {@code eval_loss_stderr}) and sigma_pred
 * the prediction's standard error read off its 95% interval, (high - low) / (2 x 1.96). A
 * prediction as precise as a measurement counts fully; one twice as uncertain counts a quarter. The
 * fitter multiplies the row's Huber loss by it (see {@link dev.scaling.common.fit.ScalingFitter}).
 */
public final class PredictionWeight {
  /** The normal quantile of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  private PredictionWeight() {}

  /**
   * The weight of a prediction with 95% interval [low, high] against evaluation noise {@code
   * sigmaEval}; NaN when either is unusable (non-finite, or an empty interval with no noise).
   */
  public static double of(double low, double high, double sigmaEval) {
    double sigmaPred = sigma(low, high);
    if (!(sigmaEval > 0) || !Double.isFinite(sigmaEval) || !Double.isFinite(sigmaPred)) {
      return Double.NaN;
    }
    if (sigmaPred <= 0) {
      return 1.0;
    }
    double r = sigmaEval / sigmaPred;
    return Math.min(1.0, r * r);
  }

  /** The standard error a 95% interval [low, high] stands for: (high - low) / (2 x 1.96). */
  public static double sigma(double low, double high) {
    return (high - low) / (2 * Z95);
  }
}
