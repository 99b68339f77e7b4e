package dev.scaling.worker.checkpoint;

import dev.scaling.common.schedule.ScheduleState;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.worker.optim.AdamState;
import java.util.List;

/**
 * Everything a training run needs to continue after {@code progress.step()} as if it had never
 * stopped.
 *
 * @param trialId the trial
 * @param progress steps, times, running losses and the learning curve so far
 * @param trainWindows training windows consumed from the trial's data (its position)
 * @param schedule the learning-rate schedule's resume state, at {@code progress.step()}
 * @param parameters every model parameter, in the model's order
 * @param adam the optimizer's moments (same order and sizes as {@code parameters}) and step count
 */
public record CheckpointState(
    String trialId,
    RunProgress progress,
    long trainWindows,
    ScheduleState schedule,
    List<ParameterTensor> parameters,
    AdamState.Saved adam) {
  public CheckpointState {
    if (trialId == null || trialId.isEmpty()) {
      throw new InvariantViolation("a checkpoint needs a trial id");
    }
    if (schedule.step() != progress.step()) {
      throw new InvariantViolation(
          "schedule state at step "
              + schedule.step()
              + " in a checkpoint of step "
              + progress.step());
    }
    if (adam.means().size() != parameters.size()) {
      throw new InvariantViolation(
          "Adam state for "
              + adam.means().size()
              + " parameters in a checkpoint of "
              + parameters.size());
    }
    for (int i = 0; i < parameters.size(); i++) {
      if (adam.means().get(i).length != parameters.get(i).values().length) {
        throw new InvariantViolation(
            "Adam state of parameter "
                + parameters.get(i).name()
                + " has "
                + adam.means().get(i).length
                + " values, the parameter "
                + parameters.get(i).values().length);
      }
    }
    parameters = List.copyOf(parameters);
  }

  /** Optimizer steps completed. */
  public long step() {
    return progress.step();
  }
}
