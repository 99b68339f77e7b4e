package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;

/**
 * A finding about a compute-optimal study's design or the agreement of its approaches, with the
 * numbers that show it.
 *
 * @param kind what was found
 * @param message a sentence with the numbers, for people
 * @param warning whether it calls for attention (every kind except an agreeing spread)
 */
public record DesignCheck(Kind kind, String message, boolean warning) {
  /** The kinds of finding. */
  public enum Kind {
    /** A budget's lowest loss lies at its smallest or largest N: its vertex is left out. */
    VERTEX_AT_EDGE,
    /** A budget's vertex lies outside the middle third of its log N range. */
    OFF_CENTRE,
    /** Tokens per parameter vary too little to separate alpha from beta. */
    TOKENS_PER_PARAM_VARIETY,
    /** The fitted alpha and beta are close: A and B are poorly identified. */
    ALPHA_NEAR_BETA,
    /** A parameter of the parametric fit ended at a bound: shown as at bound, not an interval. */
    AT_BOUND,
    /** How far the approaches' a and N_opt at the target compute spread (always reported). */
    APPROACH_SPREAD,
    /** The variable-projection cross-check and BFGS reached different parametric fits. */
    VARIABLE_PROJECTION_DISAGREES
  }

  public DesignCheck {
    InvariantViolation.check(
        kind != null && message != null && !message.isBlank(), "a check needs a kind and message");
  }

  /** A warning of {@code kind}. */
  public DesignCheck(Kind kind, String message) {
    this(kind, message, true);
  }
}
