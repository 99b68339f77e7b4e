package dev.scaling.common.fit;

import java.util.Map;

/**
 * Percentile bootstrap intervals over rows resampled with replacement: one interval per named
 * parameter of the law and, for Chinchilla, for the allocation exponents {@code a}, {@code b} and
 * {@code N_opt} at {@code optimalCompute}.
 *
 * @param resamples resamples drawn
 * @param seed seed of the resampling
 * @param level nominal coverage
 * @param optimalCompute compute (FLOPs) at which N_opt was predicted, NaN when not applicable
 * @param intervals intervals by name, in the order of the law's named parameters
 */
public record BootstrapResult(
    int resamples, long seed, double level, double optimalCompute, Map<String, Interval> intervals) {
  public BootstrapResult {
    if (resamples <= 0) {
      throw new IllegalArgumentException("resamples must be positive, found " + resamples);
    }
    intervals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(intervals));
  }

  /** The interval of {@code name}, or null when it has none. */
  public Interval get(String name) {
    return intervals.get(name);
  }
}
