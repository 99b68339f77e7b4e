package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tables generated from known laws with multiplicative log-normal noise, for recovery tests. */
final class Synthetic {
  static final ChinchillaParams CHINCHILLA = new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28);
  static final KaplanParams KAPLAN = new KaplanParams(8.8e13, 5.4e13, 0.076, 0.095);

  private Synthetic() {}

  /**
   * {@code sizes} model sizes from 1e7 to 3e9 times {@code ratios} tokens-per-parameter ratios
   * 2..200.
   */
  static List<ScalingPoint> table(LawParams truth, int sizes, int ratios, double sigma, long seed) {
    Random rng = new Random(seed);
    List<ScalingPoint> out = new ArrayList<>();
    for (int i = 0; i < sizes; i++) {
      double n = 1e7 * Math.pow(300, i / (double) (sizes - 1));
      for (int j = 0; j < ratios; j++) {
        double d = n * 2 * Math.pow(100, j / (double) (ratios - 1));
        double loss = truth.predict(n, d) * Math.exp(sigma * rng.nextGaussian());
        out.add(new ScalingPoint(n, d, loss));
      }
    }
    return out;
  }

  /** A crossed design: {@code sizes} N from 1e7 to 3e9 times {@code tokens} D from 1e9 to 1e11. */
  static List<ScalingPoint> crossed(
      LawParams truth, int sizes, int tokens, double sigma, long seed) {
    Random rng = new Random(seed);
    List<ScalingPoint> out = new ArrayList<>();
    for (int i = 0; i < sizes; i++) {
      double n = 1e7 * Math.pow(300, i / (double) (sizes - 1));
      for (int j = 0; j < tokens; j++) {
        double d = 1e9 * Math.pow(100, j / (double) (tokens - 1));
        out.add(new ScalingPoint(n, d, truth.predict(n, d) * Math.exp(sigma * rng.nextGaussian())));
      }
    }
    return out;
  }
}
