package dev.scaling.common.fit;

import java.util.List;

/**
 * Chinchilla's approach 3: the allocation implied by the fitted Chinchilla law (eq. 4 of Hoffmann
 * et al.), through {@link ComputeOptimal}; intervals of a and b from the law's bootstrap. Uses the
 * analysis's Chinchilla fit, or fits one when the analysis has none.
 */
final class ParametricApproach implements Approach {
  @Override
  public Allocation estimate(ApproachKind kind, Study s) {
    long t0 = System.nanoTime();
    LawFit lf = s.analysis().fit(LawForm.CHINCHILLA);
    if (lf == null) {
      ScalingAnalysis own =
          new ScalingFitter(s.options()).analyse(s.points(), List.of(LawForm.CHINCHILLA));
      if (own.fits().isEmpty()) {
        throw new NotApplicable(
            "the Chinchilla law could not be fitted: " + own.skipped().get(0).reason());
      }
      lf = own.fits().get(0);
    }
    final LawFit fitted = lf;
    ComputeOptimal o =
        fitted
            .computeOptimal()
            .orElseThrow(
                () ->
                    new NotApplicable(
                        "the Chinchilla fit is at its bound ("
                            + fitted.fit().boundNote()
                            + "): loss does not trade N against D"));
    // N_opt = G (C/6)^a = G 6^-a C^a; D_opt = C / (6 N_opt) = C^(1-a) / (6 G 6^-a).
    double g = o.g() * Math.pow(6, -o.a());
    BootstrapResult boot = lf.bootstrap();
    return new Allocation(
        kind,
        o.a(),
        o.b(),
        g,
        1 / (6 * g),
        boot == null ? null : boot.get(ComputeOptimal.Quantity.A),
        boot == null ? null : boot.get(ComputeOptimal.Quantity.B),
        s.targetCompute(),
        List.of(),
        List.of(),
        lf.fit().millis() + (System.nanoTime() - t0) / 1_000_000);
  }
}
