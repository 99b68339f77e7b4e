package dev.scaling.common.trial;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent 64-bit seeds from the one sweep seed (SplitMix64 finalizer over the seed and
 * a label), so every random stream of a sweep is reproducible from the spec alone.
 */
public final class Seeds {
  private Seeds() {}

  /** A seed for the stream named {@code label} under {@code parent}. */
  public static long derive(long parent, String label) {
    long h = mix(parent ^ 0x9E3779B97F4A7C15L);
    for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    return h;
  }

  /** SplitMix64's finalizer: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
