package dev.scaling.common.fit;

import java.util.List;
import java.util.Optional;

/**
 * The laws fitted over one table, side by side, with the forms that could not be fitted and why,
 * and the design's identifiability warnings.
 *
 * @param points the rows of the table
 * @param options how they were fitted
 * @param fits the laws fitted, in the order asked
 * @param skipped the forms asked for but not fitted (too few rows of their scope, no start
 *     converged)
 * @param optimalCompute the compute (FLOPs) at which N_opt is reported: the largest 6ND of the
 *     table
 * @param warnings identifiability warnings, empty when the design is fine
 */
public record ScalingAnalysis(
    List<ScalingPoint> points,
    FitOptions options,
    List<LawFit> fits,
    List<Skipped> skipped,
    double optimalCompute,
    List<IdentifiabilityWarning> warnings) {
  public ScalingAnalysis {
    points = List.copyOf(points);
    fits = List.copyOf(fits);
    skipped = List.copyOf(skipped);
    warnings = List.copyOf(warnings);
  }

  /** A form that was asked for and not fitted, with the reason in a sentence. */
  public record Skipped(LawForm form, String reason) {}

  /** The fit of {@code form}, or null when it was not fitted. */
  public LawFit fit(LawForm form) {
    return fits.stream().filter(f -> f.form() == form).findFirst().orElse(null);
  }

  /** The first fitted law that implies a compute-optimal allocation (Chinchilla), if any. */
  public Optional<LawFit> allocationLaw() {
    return fits.stream().filter(f -> f.computeOptimal().isPresent()).findFirst();
  }

  /** The compute-optimal allocation of {@link #allocationLaw()}, if any. */
  public Optional<ComputeOptimal> computeOptimal() {
    return allocationLaw().flatMap(LawFit::computeOptimal);
  }
}
