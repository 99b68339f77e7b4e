package dev.scaling.driver.predict;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveLawForm;
import java.util.ArrayList;
import java.util.List;

/**
 * One curve law fitted to one model's trunk and trained branches, or why it could not be.
 *
 * @param law the law
 * @param fit the fit, null when it failed
 * @param failure why it failed, null when fitted
 * @param heldOut its accuracy on each held-out branch (a predicted branch trained by {@code
 *     --verify-predictions}), over the branch's logged cooldown losses; empty without any
 * @param heldOutFinal its relative error |predicted - trained| / trained on each held-out branch's
 *     final loss, in the order of {@code heldOut}
 */
public record CurveLawFit(
    CurveLawForm law,
    CurveFit fit,
    String failure,
    List<CurveAccuracy> heldOut,
    List<Double> heldOutFinal) {
  public CurveLawFit {
    if (law == null || (fit == null) == (failure == null)) {
      throw new IllegalArgumentException(
          "a curve-law fit has its law and either a fit or a reason");
    }
    heldOut = List.copyOf(heldOut);
    heldOutFinal = List.copyOf(heldOutFinal);
  }

  /** A failed fit. */
  static CurveLawFit failed(CurveLawForm law, String why) {
    return new CurveLawFit(law, null, why, List.of(), List.of());
  }

  /** A fit scored on the {@code heldOut} curves (their logged rows only). */
  static CurveLawFit scored(CurveLawForm law, CurveFit fit, List<Curve> heldOut) {
    List<CurveAccuracy> acc = new ArrayList<>(heldOut.size());
    List<Double> last = new ArrayList<>(heldOut.size());
    for (Curve c : heldOut) {
      double[] p = fit.predict(c); // once per curve: both scores read it
      acc.add(CurveAccuracy.of(c, p));
      int i = c.steps().length - 1;
      last.add(Math.abs(p[i] - c.loss()[i]) / c.loss()[i]);
    }
    return new CurveLawFit(law, fit, null, acc, last);
  }

  /** Whether the law was fitted. */
  public boolean fitted() {
    return fit != null;
  }

  /**
   * The mean relative error over the held-out branches' logged cooldown losses (every logged row of
   * every held-out branch counts once); NaN without held-out branches.
   */
  public double heldOutMeanRelativeError() {
    double sum = 0;
    int n = 0;
    for (CurveAccuracy a : heldOut) {
      if (a.points() > 0) {
        sum += a.meanRelativeError() * a.points();
        n += a.points();
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The mean relative error of the held-out branches' final losses; NaN without any. */
  public double heldOutFinalMeanRelativeError() {
    return heldOutFinal.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
