package dev.scaling.common.fit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of Kaplan et al.'s joint form L(N, D) = [(Nc/N)^(alphaN/alphaD) + Dc/D]^alphaD. The
 * optimiser works with (log Nc, log Dc, alphaN/alphaD, alphaD), which is unconstrained and smooth.
 */
public record KaplanParams(double nc, double dc, double alphaN, double alphaD)
    implements LawParams {
  /** Builds from the optimiser's vector (log Nc, log Dc, r = alphaN/alphaD, alphaD). */
  static KaplanParams fromTheta(double[] t) {
    return new KaplanParams(Math.exp(t[0]), Math.exp(t[1]), t[2] * t[3], t[3]);
  }

  public KaplanParams {
    // exp(log Dc) underflows to 0 when the loss does not depend on D: 0 is a valid (boundary) fit.
    if (!(nc >= 0) || !(dc >= 0) || !Double.isFinite(nc) || !Double.isFinite(dc)) {
      throw new IllegalArgumentException(
          "Nc and Dc must be finite and >= 0, found " + nc + ", " + dc);
    }
    if (!Double.isFinite(alphaN) || !Double.isFinite(alphaD) || alphaD == 0) {
      throw new IllegalArgumentException(
          "alphaN must be finite and alphaD finite and non-zero, found " + alphaN + ", " + alphaD);
    }
  }

  @Override
  public LawForm form() {
    return LawForm.KAPLAN;
  }

  @Override
  public double predict(double n, double d) {
    return Math.pow(Math.pow(nc / n, alphaN / alphaD) + dc / d, alphaD);
  }

  @Override
  public Map<String, Double> named() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("Nc", nc);
    m.put("Dc", dc);
    m.put("alphaN", alphaN);
    m.put("alphaD", alphaD);
    return m;
  }

  @Override
  public double[] toTheta() {
    return new double[] {
      ChinchillaParams.safeLog(nc), ChinchillaParams.safeLog(dc), alphaN / alphaD, alphaD
    };
  }
}
