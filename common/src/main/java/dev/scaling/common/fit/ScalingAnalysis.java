package dev.scaling.common.fit;

import java.util.List;

/**
 * The laws fitted jointly over one table, side by side, with the compute-optimal allocation of the
 * Chinchilla law and the design's identifiability warnings.
 *
 * @param points the rows used
 * @param options how they were fitted
 * @param fits the joint laws (Chinchilla and/or Kaplan), in the order asked
 * @param singleVariable L(N) at the largest D and L(D) at the largest N, when the table has enough rows
 * @param computeOptimal the allocation from the Chinchilla fit, null when Chinchilla was not fitted
 * @param warnings identifiability warnings, empty when the design is fine
 */
public record ScalingAnalysis(
    List<ScalingPoint> points,
    FitOptions options,
    List<LawFit> fits,
    List<FitResult> singleVariable,
    ComputeOptimal computeOptimal,
    List<IdentifiabilityWarning> warnings) {
  public ScalingAnalysis {
    points = List.copyOf(points);
    fits = List.copyOf(fits);
    singleVariable = List.copyOf(singleVariable);
    warnings = List.copyOf(warnings);
  }

  /** The fit of {@code form}, or null when it was not fitted. */
  public LawFit fit(LawForm form) {
    return fits.stream().filter(f -> f.form() == form).findFirst().orElse(null);
  }
}
