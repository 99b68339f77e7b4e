package dev.scaling.worker;

/**
 * Progress callback of a running trial, called every few optimizer steps and after the last one, so
 * a caller (the Spark driver's accumulators, a log) can follow training without polling.
 */
@FunctionalInterface
public interface StepListener {
  /** A listener that ignores progress. */
  StepListener NONE = (stepsDone, tokensDone) -> {};

  /**
   * Reports cumulative progress.
   *
   * @param stepsDone optimizer steps completed so far
   * @param tokensDone training tokens consumed by those steps
   */
  void onSteps(long stepsDone, long tokensDone);

  /**
   * Reports, before any {@link #onSteps} call, that the trial resumed from an in-trial checkpoint
   * instead of starting at step 0.
   *
   * @param fromStep optimizer steps the checkpoint had completed; training continues with the next
   *     one
   */
  default void onResume(long fromStep) {}
}
