package dev.scaling.common.curve;

import dev.scaling.common.spec.SpecException;
import java.util.Arrays;

/**
 * One run's learning curve, as a curves table holds it: a row per logged (or unlogged) step with
 * the learning rate applied at that step and the loss, NaN where the step was not logged. The rows
 * are also the schedule's knots: between two rows the rate is linear, so a curve logged every 100
 * steps still defines the rate at every step. The schedule starts at the first row (a run that
 * warms up from zero has a first row at step 0 with rate 0); no step before it is trained.
 *
 * <p>Values are validated here, naming the run and row, because they come from user files; the
 * arrays are owned by the record (callers must not change them after construction).
 *
 * @param run the run's name (a schedule name, a trial id)
 * @param steps optimizer steps, strictly increasing, non-negative
 * @param lr the learning rate applied at each step, finite and non-negative
 * @param loss the loss at each step, finite and positive, or NaN where not logged
 */
public record Curve(String run, long[] steps, double[] lr, double[] loss) {
  public Curve {
    if (run == null || run.isBlank()) {
      throw new SpecException("run", "a non-empty run name", run);
    }
    if (steps.length != lr.length || steps.length != loss.length) {
      throw new IllegalArgumentException(
          "run "
              + run
              + ": steps, lr and loss differ in length: "
              + steps.length
              + ", "
              + lr.length
              + ", "
              + loss.length);
    }
    if (steps.length < 1) {
      throw new SpecException("run " + run, "at least one row", 0);
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] < 0) {
        throw new SpecException("step", "non-negative (run " + run + ", row " + i + ")", steps[i]);
      }
      if (i > 0 && steps[i] <= steps[i - 1]) {
        throw new SpecException(
            "step",
            "strictly increasing within a run (run "
                + run
                + ", row "
                + i
                + " after "
                + steps[i - 1]
                + ")",
            steps[i]);
      }
      if (!Double.isFinite(lr[i]) || lr[i] < 0) {
        throw new SpecException(
            "lr", "finite and non-negative (run " + run + ", step " + steps[i] + ")", lr[i]);
      }
      if (!Double.isNaN(loss[i]) && !(Double.isFinite(loss[i]) && loss[i] > 0)) {
        throw new SpecException(
            "loss",
            "empty or finite and positive (run " + run + ", step " + steps[i] + ")",
            loss[i]);
      }
    }
  }

  /** How many rows have a logged loss. */
  public int loggedLosses() {
    int n = 0;
    for (double l : loss) {
      if (!Double.isNaN(l)) {
        n++;
      }
    }
    return n;
  }

  /** The last row's step. */
  public long lastStep() {
    return steps[steps.length - 1];
  }

  /** The learning rate at {@code step}, linear between rows; 0 outside the rows. */
  public double lrAt(long step) {
    int i = Arrays.binarySearch(steps, step);
    if (i >= 0) {
      return lr[i];
    }
    int hi = -i - 1;
    if (hi == 0 || hi == steps.length) {
      return 0;
    }
    int lo = hi - 1;
    double f = (double) (step - steps[lo]) / (steps[hi] - steps[lo]);
    return lr[lo] + f * (lr[hi] - lr[lo]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Curve c
        && run.equals(c.run)
        && Arrays.equals(steps, c.steps)
        && Arrays.equals(lr, c.lr)
        && Arrays.equals(loss, c.loss);
  }

  @Override
  public int hashCode() {
    return run.hashCode() * 31 + Arrays.hashCode(steps);
  }

  @Override
  public String toString() {
    return "Curve["
        + run
        + ", "
        + steps.length
        + " rows, steps "
        + steps[0]
        + ".."
        + lastStep()
        + "]";
  }
}
