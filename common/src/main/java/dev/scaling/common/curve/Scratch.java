package dev.scaling.common.curve;

/**
 * Per-thread working arrays, reused across evaluations so that the fitter's thousands of
 * evaluations allocate nothing per curve: one array per slot and thread, grown when too small. A
 * caller owns its slot's array until its next call for that slot on the same thread; the slots are
 * used by code that does not call itself.
 */
final class Scratch {
  /** {@link DropPlan#evaluate}'s coefficients and query sums. */
  static final int DROP_PLAN = 0;

  /** {@link MultiPowerLaw#predict}'s drop sums. */
  static final int MPL_SUMS = 1;

  /** {@link CurveObjective}'s law output. */
  static final int OUTPUT = 2;

  /** {@link CurveObjective}'s law Jacobian. */
  static final int JACOBIAN = 3;

  private static final int SLOTS = 4;

  private static final ThreadLocal<double[][]> SPACE =
      ThreadLocal.withInitial(() -> new double[SLOTS][0]);

  private Scratch() {}

  /** This thread's array for {@code slot}, at least {@code size} long, contents undefined. */
  static double[] get(int slot, int size) {
    double[][] s = SPACE.get();
    if (s[slot].length < size) {
      s[slot] = new double[Math.max(size, s[slot].length + (s[slot].length >> 1))];
    }
    return s[slot];
  }
}
