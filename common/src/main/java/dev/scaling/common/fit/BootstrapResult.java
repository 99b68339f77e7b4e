package dev.scaling.common.fit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percentile bootstrap intervals over rows resampled with replacement: one interval per named
 * parameter of the law and, for a law with a compute-optimal allocation, one per {@link
 * ComputeOptimal.Quantity} (N_opt at {@code optimalCompute}).
 *
 * @param resamples resamples drawn
 * @param seed seed of the resampling
 * @param level nominal coverage
 * @param optimalCompute compute (FLOPs) at which N_opt was predicted
 * @param intervals intervals by parameter name, in the order of the law's named parameters
 * @param allocation intervals of the allocation's quantities, empty for a law without one
 * @param samples the law fitted to each resample that converged, in resample order: what a report
 *     draws the law's and the frontier's bands from
 */
public record BootstrapResult(
    int resamples,
    long seed,
    double level,
    double optimalCompute,
    Map<String, Interval> intervals,
    Map<ComputeOptimal.Quantity, Interval> allocation,
    List<LawParams> samples) {
  public BootstrapResult {
    if (resamples <= 0) {
      throw new IllegalArgumentException("resamples must be positive, found " + resamples);
    }
    intervals = Collections.unmodifiableMap(new LinkedHashMap<>(intervals));
    allocation =
        allocation.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(allocation));
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /** A result without the resamples' laws. */
  public BootstrapResult(
      int resamples,
      long seed,
      double level,
      double optimalCompute,
      Map<String, Interval> intervals,
      Map<ComputeOptimal.Quantity, Interval> allocation) {
    this(resamples, seed, level, optimalCompute, intervals, allocation, List.of());
  }

  /** The interval of parameter {@code name}, or null when it has none. */
  public Interval get(String name) {
    return intervals.get(name);
  }

  /** The interval of an allocation quantity, or null when it has none. */
  public Interval get(ComputeOptimal.Quantity q) {
    return allocation.get(q);
  }
}
