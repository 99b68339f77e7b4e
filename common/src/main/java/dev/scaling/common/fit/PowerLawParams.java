package dev.scaling.common.fit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A single-variable power law with offset, L(x) = E + A/x^alpha, where x is N ({@link
 * LawForm#POWER_N}, fitted at the largest D) or D ({@link LawForm#POWER_D}, fitted at the largest
 * N).
 *
 * @param form {@code POWER_N} or {@code POWER_D}
 * @param fixedAt the value of the other variable the rows were taken at
 */
public record PowerLawParams(LawForm form, double e, double a, double alpha, double fixedAt)
    implements LawParams {
  static PowerLawParams fromTheta(LawForm form, double[] t, double fixedAt) {
    return new PowerLawParams(form, Math.exp(t[1]), Math.exp(t[0]), t[2], fixedAt);
  }

  public PowerLawParams {
    if (form != LawForm.POWER_N && form != LawForm.POWER_D) {
      throw new IllegalArgumentException("form must be power_n or power_d, found " + form);
    }
    // exp() underflows to 0 when the data cannot tell E or A from zero: 0 is a valid (boundary)
    // fit.
    if (!(e >= 0 && Double.isFinite(e))
        || !(a >= 0 && Double.isFinite(a))
        || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException(
          "E and A must be finite and >= 0 and alpha finite, found " + e + ", " + a + ", " + alpha);
    }
  }

  @Override
  public double predict(double n, double d) {
    double x = form == LawForm.POWER_N ? n : d;
    return e + a / Math.pow(x, alpha);
  }

  @Override
  public Map<String, Double> named() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("E", e);
    m.put(form == LawForm.POWER_N ? "A" : "B", a);
    m.put(form == LawForm.POWER_N ? "alpha" : "beta", alpha);
    return m;
  }

  @Override
  public double[] toTheta() {
    return new double[] {ChinchillaParams.safeLog(a), ChinchillaParams.safeLog(e), alpha};
  }
}
