package dev.scaling.common.fit;

/**
 * An extrapolation backtest: the law fitted without the highest-compute rows, judged by the
 * relative error |L_hat - L|/L of its predictions on those held-out rows.
 *
 * @param form the law
 * @param heldOutShare the share of rows asked to be held out
 * @param trainRows rows the law was fitted on
 * @param heldOutRows rows predicted
 * @param minHeldOutCompute the smallest 6ND among the held-out rows
 * @param meanRelError mean relative error over the held-out rows
 * @param maxRelError largest relative error over the held-out rows
 */
public record Backtest(
    LawForm form,
    double heldOutShare,
    int trainRows,
    int heldOutRows,
    double minHeldOutCompute,
    double meanRelError,
    double maxRelError) {
  public Backtest {
    if (trainRows <= 0 || heldOutRows <= 0) {
      throw new IllegalArgumentException(
          "backtest needs rows on both sides, found "
              + trainRows
              + " train, "
              + heldOutRows
              + " held out");
    }
  }
}
