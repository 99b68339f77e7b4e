package dev.scaling.common.fit;

import java.util.List;

/**
 * The best fit of one law: its parameters, the objective (sum of Huber losses of log residuals) it
 * reached, and what the search did.
 *
 * @param form the law
 * @param params the parameters at the best objective found
 * @param objective sum over rows of Huber_delta(log L_hat - log L) at {@code params}
 * @param nPoints rows fitted
 * @param delta the Huber delta
 * @param starts starting points tried
 * @param localOptima distinct local optima found, best first ({@code params} is the first)
 * @param millis wall time of the fit
 */
public record FitResult(
    LawForm form,
    LawParams params,
    double objective,
    int nPoints,
    double delta,
    int starts,
    List<LawParams> localOptima,
    long millis) {
  public FitResult {
    if (form == null || params == null || params.form() != form) {
      throw new IllegalArgumentException("params must match form " + form + ", found " + params);
    }
    if (!(objective >= 0)) {
      throw new IllegalArgumentException("objective must be >= 0, found " + objective);
    }
    localOptima = List.copyOf(localOptima);
  }
}
