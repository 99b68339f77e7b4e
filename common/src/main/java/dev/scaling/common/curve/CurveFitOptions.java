package dev.scaling.common.curve;

/**
 * How {@link CurveFitter} fits: the Huber delta on log residuals (the laws' papers use 1e-3), the
 * number of bootstrap resamples of the training runs (0: no intervals), the seed they are drawn
 * from, the interval's confidence and how many threads evaluate curves in parallel.
 */
public record CurveFitOptions(
    double huberDelta, int bootstrap, long seed, double confidence, int threads) {
  /** The papers' delta. */
  public static final double DEFAULT_HUBER_DELTA = 1e-3;

  public CurveFitOptions {
    if (!(huberDelta > 0) || !Double.isFinite(huberDelta)) {
      throw new IllegalArgumentException("huber delta must be positive, found " + huberDelta);
    }
    if (bootstrap < 0) {
      throw new IllegalArgumentException("bootstrap must be >= 0, found " + bootstrap);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), found " + confidence);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, found " + threads);
    }
  }

  /** Delta 1e-3, {@code bootstrap} resamples, 95% intervals, one thread per core. */
  public static CurveFitOptions defaults(int bootstrap, long seed) {
    return new CurveFitOptions(
        DEFAULT_HUBER_DELTA, bootstrap, seed, 0.95, Runtime.getRuntime().availableProcessors());
  }

  /** A copy with another Huber delta. */
  public CurveFitOptions withHuberDelta(double delta) {
    return new CurveFitOptions(delta, bootstrap, seed, confidence, threads);
  }

  /** A copy with another number of bootstrap resamples and seed. */
  public CurveFitOptions withBootstrap(int resamples, long newSeed) {
    return new CurveFitOptions(huberDelta, resamples, newSeed, confidence, threads);
  }

  /** A copy with another interval confidence. */
  public CurveFitOptions withConfidence(double level) {
    return new CurveFitOptions(huberDelta, bootstrap, seed, level, threads);
  }

  /** A copy evaluating curves on {@code count} threads. */
  public CurveFitOptions withThreads(int count) {
    return new CurveFitOptions(huberDelta, bootstrap, seed, confidence, count);
  }
}
