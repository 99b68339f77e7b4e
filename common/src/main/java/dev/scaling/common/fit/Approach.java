package dev.scaling.common.fit;

/**
 * One way to estimate the compute-optimal allocation N_opt(C) = G C^a, D_opt(C) = H C^b from a
 * table (Hoffmann et al. 2022 name three). Adding one is a class implementing this plus one
 * constant in {@link ApproachKind}.
 */
public interface Approach {
  /**
   * The allocation this approach estimates on {@code study}; throws {@link NotApplicable} with a
   * one-line reason where the table does not suit it (too few budgets, too few points).
   */
  Allocation estimate(ApproachKind kind, Study study);

  /** The table does not suit an approach; the message says why in one line. */
  final class NotApplicable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why, in one line
     */
    public NotApplicable(String reason) {
      super(reason);
    }
  }
}
