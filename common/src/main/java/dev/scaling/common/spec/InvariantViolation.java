package dev.scaling.common.spec;

/**
 * An internal invariant of the program failed: a bug, never the user's input. It is deliberately
 * not an {@link IllegalArgumentException}, so the command line cannot mistake it for bad input
 * (exit code 2): {@code SweepMain} prints it with its stack trace, says it is a bug and exits with
 * {@link #EXIT_CODE}. Bad input throws {@link SpecException} instead.
 */
public final class InvariantViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code of a run that stopped on a bug (sysexits' EX_SOFTWARE). */
  public static final int EXIT_CODE = 70;

  /**
   * @param message what invariant failed, with the values that broke it
   */
  public InvariantViolation(String message) {
    super(message);
  }

  /**
   * @param message what invariant failed; @param cause the underlying failure
   */
  public InvariantViolation(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Throws when {@code ok} is false; for internal invariants (user input uses {@link
   * SpecException#require}).
   */
  public static void check(boolean ok, String message) {
    if (!ok) {
      throw new InvariantViolation(message);
    }
  }
}
