package dev.scaling.common.fit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The best fit of one law: its parameters, the objective (sum of Huber losses of log residuals) it
 * reached, which parameters ended at a bound, and what the search did.
 *
 * @param form the law
 * @param params the parameters at the best objective found
 * @param objective sum over rows of Huber_delta(log L_hat - log L) at {@code params}
 * @param nPoints rows fitted
 * @param delta the Huber delta
 * @param starts starting points tried
 * @param localOptima distinct local optima found, best first ({@code params} is the first)
 * @param atBound published names of the parameters at a bound of the law's domain: a scale (E, A,
 *     B, Nc, Dc) whose term is a negligible share of every prediction (at 0) or that ran off with
 *     its exponent (above 1e200), or an exponent at or below 0; a legal result that says the data
 *     do not support that part of the law; empty when none
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
    List<String> atBound,
    long millis) {
  public FitResult {
    if (form == null || params == null || params.form() != form) {
      throw new IllegalArgumentException("params must match form " + form + ", found " + params);
    }
    if (!(objective >= 0)) {
      throw new IllegalArgumentException("objective must be >= 0, found " + objective);
    }
    localOptima = List.copyOf(localOptima);
    atBound = List.copyOf(atBound);
  }

  /** Whether any parameter ended at a bound. */
  public boolean isAtBound() {
    return !atBound.isEmpty();
  }

  /**
   * The bounds reached, e.g. {@code "B = 0, beta <= 0"} or {@code "B -> infinity"}; empty when
   * none.
   */
  public String boundNote() {
    return atBound.stream()
        .map(
            p ->
                form.law().exponents().contains(p)
                    ? p + " <= 0"
                    : params.named().getOrDefault(p, 0.0) > 1 ? p + " -> infinity" : p + " = 0")
        .collect(Collectors.joining(", "));
  }
}
