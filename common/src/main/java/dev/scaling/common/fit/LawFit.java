package dev.scaling.common.fit;

import java.util.Optional;

/**
 * Everything known about one fitted law: the fit, its bootstrap intervals (null when bootstrap is
 * off or the law's scope is not resampled) and its extrapolation backtest (null when off or the
 * table is too small).
 */
public record LawFit(FitResult fit, BootstrapResult bootstrap, Backtest backtest) {
  public LawFit {
    if (fit == null) {
      throw new IllegalArgumentException("fit must be present, found null");
    }
  }

  /** The law's form. */
  public LawForm form() {
    return fit.form();
  }

  /** The compute-optimal allocation the fitted parameters imply, if any. */
  public Optional<ComputeOptimal> computeOptimal() {
    return fit.params().computeOptimal();
  }
}
