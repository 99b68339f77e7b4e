package dev.scaling.common.curve;

/**
 * How well a prediction matches one run's logged losses: the mean and worst relative error
 * |predicted - loss| / loss over the logged rows (as the Multi-Power Law paper reports them) and
 * R^2 of the losses.
 */
public record CurveAccuracy(
    String run, int points, double meanRelativeError, double worstRelativeError, double r2) {
  /** The accuracy of {@code predicted} (one per row of {@code curve}) on its logged rows. */
  public static CurveAccuracy of(Curve curve, double[] predicted) {
    double[] loss = curve.loss();
    int n = 0;
    double sumRel = 0;
    double worst = 0;
    double mean = 0;
    for (double l : loss) {
      if (!Double.isNaN(l)) {
        mean += l;
        n++;
      }
    }
    if (n == 0) {
      return new CurveAccuracy(curve.run(), 0, Double.NaN, Double.NaN, Double.NaN);
    }
    mean /= n;
    double ssRes = 0;
    double ssTot = 0;
    for (int i = 0; i < loss.length; i++) {
      double l = loss[i];
      if (Double.isNaN(l)) {
        continue;
      }
      double rel = Math.abs(predicted[i] - l) / l;
      sumRel += rel;
      worst = Math.max(worst, rel);
      ssRes += (predicted[i] - l) * (predicted[i] - l);
      ssTot += (l - mean) * (l - mean);
    }
    return new CurveAccuracy(curve.run(), n, sumRel / n, worst, 1 - ssRes / ssTot);
  }
}
