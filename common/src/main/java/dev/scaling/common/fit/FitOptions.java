package dev.scaling.common.fit;

/**
 * How to fit: the Huber delta of the objective, the start grid, the bootstrap and the backtest.
 *
 * @param huberDelta the Huber loss threshold on log residuals (default 1e-3)
 * @param grid which start grid to use ({@link StartGrid#FULL} is Chinchilla's published grid)
 * @param bootstrap bootstrap resamples, 0 for none
 * @param seed seed of the bootstrap resampling
 * @param ciLevel coverage of the percentile intervals, e.g. 0.95
 * @param backtestShare share of the highest-compute rows held out by the backtest, 0 for none
 * @param optimalCompute the compute (FLOPs) at which N_opt is reported; NaN means the largest 6ND of
 *     the table
 */
public record FitOptions(
    double huberDelta,
    StartGrid grid,
    int bootstrap,
    long seed,
    double ciLevel,
    double backtestShare,
    double optimalCompute) {
  /** The defaults of the command line: delta 1e-3, full grid, 1000 resamples, 95%, 20% held out. */
  public static FitOptions defaults() {
    return new FitOptions(1e-3, StartGrid.FULL, 1000, 20240917L, 0.95, 0.2, Double.NaN);
  }

  public FitOptions {
    if (!(huberDelta > 0) || !Double.isFinite(huberDelta)) {
      throw new IllegalArgumentException("huber_delta must be positive, found " + huberDelta);
    }
    if (grid == null) {
      throw new IllegalArgumentException("grid must be present, found null");
    }
    if (bootstrap < 0) {
      throw new IllegalArgumentException("bootstrap must be >= 0, found " + bootstrap);
    }
    if (!(ciLevel > 0 && ciLevel < 1)) {
      throw new IllegalArgumentException("ci_level must be in (0, 1), found " + ciLevel);
    }
    if (!(backtestShare >= 0 && backtestShare < 1)) {
      throw new IllegalArgumentException("backtest_share must be in [0, 1), found " + backtestShare);
    }
    if (!Double.isNaN(optimalCompute) && !(optimalCompute > 0 && Double.isFinite(optimalCompute))) {
      throw new IllegalArgumentException("optimal_compute must be positive, found " + optimalCompute);
    }
  }

  /** A copy with another delta. */
  public FitOptions withHuberDelta(double delta) {
    return new FitOptions(delta, grid, bootstrap, seed, ciLevel, backtestShare, optimalCompute);
  }

  /** A copy with another bootstrap count and seed. */
  public FitOptions withBootstrap(int resamples, long newSeed) {
    return new FitOptions(huberDelta, grid, resamples, newSeed, ciLevel, backtestShare, optimalCompute);
  }

  /** A copy with another start grid. */
  public FitOptions withGrid(StartGrid newGrid) {
    return new FitOptions(huberDelta, newGrid, bootstrap, seed, ciLevel, backtestShare, optimalCompute);
  }

  /** A copy with another backtest share. */
  public FitOptions withBacktestShare(double share) {
    return new FitOptions(huberDelta, grid, bootstrap, seed, ciLevel, share, optimalCompute);
  }
}
