package dev.scaling.common.spec;

import java.util.Locale;

/**
 * The most trials a grid may expand to, so that a typo (a list of a thousand widths) is refused at
 * once instead of planning for hours: 100 000 unless the system property {@value #PROPERTY} or the
 * environment variable {@value #ENV} sets another positive whole number.
 */
public final class TrialLimit {
  /** The system property that sets the limit (takes precedence over the environment). */
  public static final String PROPERTY = "sweep.max_trials";

  /** The environment variable that sets the limit. */
  public static final String ENV = "SWEEP_MAX_TRIALS";

  /** The limit when neither is set. */
  public static final long DEFAULT = 100_000L;

  private TrialLimit() {}

  /** The limit in force now. */
  public static long current() {
    String p = System.getProperty(PROPERTY);
    String where = PROPERTY;
    if (p == null || p.isBlank()) {
      p = System.getenv(ENV);
      where = ENV;
    }
    if (p == null || p.isBlank()) {
      return DEFAULT;
    }
    long v;
    try {
      v = Long.parseLong(p.trim());
    } catch (NumberFormatException e) {
      throw new SpecException(where, "a positive whole number of trials", p);
    }
    SpecException.require(v > 0, where, "a positive whole number of trials", p);
    return v;
  }

  /** Throws a {@link SpecException} naming {@code grid} and its size when it is past the limit. */
  public static void check(GridSpec grid) {
    long limit = current();
    long size = grid.size();
    if (size > limit) {
      String points =
          grid.isoflop() != null
              ? grid.isoflop().budgets().size()
                  + " budgets x "
                  + grid.isoflop().models()
                  + " models"
              : grid.width().size()
                  + " widths x "
                  + grid.depth().size()
                  + " depths x "
                  + grid.tokens().size()
                  + " token counts";
      throw SpecException.of(
          "grid",
          String.format(
              Locale.ROOT,
              "expands to %s trials (%s x %d learning rates%s x %d seeds), more than the limit of"
                  + " %d trials (raise it with the environment variable %s or -D%s)",
              size == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(size),
              points,
              Math.max(1, grid.learningRate().size()),
              grid.hasBatchAxis() ? " x " + grid.batchSize().size() + " batch sizes" : "",
              grid.seeds().size(),
              limit,
              ENV,
              PROPERTY));
    }
  }
}
