package dev.scaling.common.fit;

/**
 * A reason the design cannot separate the law's parameters, with the numbers that show it.
 *
 * @param kind what is wrong
 * @param message a sentence with the numbers, for people
 */
public record IdentifiabilityWarning(Kind kind, String message) {
  /** The kinds of ill-conditioned design the fitter detects. */
  public enum Kind {
    /** Fewer rows than a sensible multiple of the law's parameters. */
    TOO_FEW_POINTS,
    /** Too few distinct model sizes to pin alpha. */
    FEW_DISTINCT_N,
    /** Too few distinct token counts to pin beta. */
    FEW_DISTINCT_D,
    /** Every model trained at about the same tokens-per-parameter ratio: N and D move together. */
    CONSTANT_TOKENS_PER_PARAM,
    /** log N and log D are nearly collinear across the rows. */
    COLLINEAR_N_D
  }

  public IdentifiabilityWarning {
    if (kind == null || message == null || message.isBlank()) {
      throw new IllegalArgumentException(
          "warning needs a kind and a message, found " + kind + ", " + message);
    }
  }
}
