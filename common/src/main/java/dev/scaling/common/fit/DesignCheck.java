package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;

/**
 * A finding about a compute-optimal study's design or the agreement of its approaches, with the
 * numbers that show it.
 *
 * @param kind what was found
 * @param message a sentence with the numbers, for people
 */
public record DesignCheck(Kind kind, String message) {
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
    /** How far the approaches' a and N_opt at the target compute spread (always reported). */
    APPROACH_SPREAD,
    /** The variable-projection cross-check and BFGS reached different parametric fits. */
    VARIABLE_PROJECTION_DISAGREES
  }

  public DesignCheck {
    InvariantViolation.check(
        kind != null && message != null && !message.isBlank(), "a check needs a kind and message");
  }

  /** Whether this is a warning (everything except the spread line when the approaches agree). */
  public boolean isWarning() {
    return kind != Kind.APPROACH_SPREAD || message.contains("disagree");
  }
}
