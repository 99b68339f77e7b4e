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

  /**
   * Reports the training loss of the latest optimizer step, right after the {@link #onSteps} call
   * of the same step (every {@link TrialTrainer#LISTENER_INTERVAL} steps and after the last one, a
   * trunk segment's fork included).
   *
   * @param stepsDone optimizer steps completed so far
   * @param trainLoss the loss of step {@code stepsDone}
   */
  default void onTrainLoss(long stepsDone, double trainLoss) {}

  /**
   * Reports a held-out evaluation (every {@code eval_interval} steps and at the end).
   *
   * @param stepsDone optimizer steps completed so far
   * @param trainLoss the mean training loss since the previous evaluation
   * @param evalLoss the held-out loss after step {@code stepsDone}
   */
  default void onEvaluation(long stepsDone, double trainLoss, double evalLoss) {}
}
