package dev.scaling.common.fit;

import static dev.scaling.common.spec.SpecException.require;

/**
 * How to fit: the Huber delta of the objective, the start grid, the bootstrap and the backtest.
 *
 * @param huberDelta the Huber loss threshold on log residuals (default 1e-3)
 * @param grid which start grid to use ({@link StartGrid#FULL} is Chinchilla's published grid)
 * @param bootstrap bootstrap resamples, 0 for none
 * @param seed seed of the bootstrap resampling
 * @param ciLevel coverage of the percentile intervals, e.g. 0.95
 * @param backtestShare share of the highest-compute rows held out by the backtest, 0 for none
 */
public record FitOptions(
    double huberDelta,
    StartGrid grid,
    int bootstrap,
    long seed,
    double ciLevel,
    double backtestShare) {
  /** The defaults of the command line: delta 1e-3, full grid, 1000 resamples, 95%, 20% held out. */
  public static FitOptions defaults() {
    return new FitOptions(1e-3, StartGrid.FULL, 1000, 20240917L, 0.95, 0.2);
  }

  public FitOptions {
    require(
        huberDelta > 0 && Double.isFinite(huberDelta),
        "huber_delta",
        "positive and finite",
        huberDelta);
    require(grid != null, "grid", "one of full, coarse", null);
    require(bootstrap >= 0, "bootstrap", ">= 0 (0 for none)", bootstrap);
    require(ciLevel > 0 && ciLevel < 1, "ci_level", "in (0, 1)", ciLevel);
    require(backtestShare >= 0 && backtestShare < 1, "backtest_share", "in [0, 1)", backtestShare);
  }

  /** A copy with another delta. */
  public FitOptions withHuberDelta(double delta) {
    return new FitOptions(delta, grid, bootstrap, seed, ciLevel, backtestShare);
  }

  /** A copy with another bootstrap count and seed. */
  public FitOptions withBootstrap(int resamples, long newSeed) {
    return new FitOptions(huberDelta, grid, resamples, newSeed, ciLevel, backtestShare);
  }

  /** A copy with another start grid. */
  public FitOptions withGrid(StartGrid newGrid) {
    return new FitOptions(huberDelta, newGrid, bootstrap, seed, ciLevel, backtestShare);
  }
}
