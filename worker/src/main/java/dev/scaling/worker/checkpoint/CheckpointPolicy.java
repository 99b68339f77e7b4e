package dev.scaling.worker.checkpoint;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.SpecException;

/**
 * When a training run writes a checkpoint: at the first step boundary at least {@code
 * intervalSeconds} of wall time and at least {@code minSteps} optimizer steps after the start or
 * the last checkpoint.
 *
 * @param intervalSeconds finite, at least 0; {@link Double#POSITIVE_INFINITY} only for {@link
 *     #NEVER}
 * @param minSteps at least 1
 */
public record CheckpointPolicy(double intervalSeconds, long minSteps) {
  /** Never due. */
  public static final CheckpointPolicy NEVER = new CheckpointPolicy(Double.POSITIVE_INFINITY, 1);

  private static final String INTERVAL = "checkpoint interval (--checkpoint-every)";

  public CheckpointPolicy {
    require(intervalSeconds >= 0, INTERVAL, "a finite number of seconds >= 0", intervalSeconds);
    require(minSteps >= 1, "checkpoint minSteps", ">= 1", minSteps);
  }

  /**
   * A policy that can be due (a finite interval).
   *
   * @throws SpecException when {@code intervalSeconds} is negative, infinite or NaN, or {@code
   *     minSteps} is below 1
   */
  public static CheckpointPolicy every(double intervalSeconds, long minSteps) {
    require(
        Double.isFinite(intervalSeconds),
        INTERVAL,
        "a finite number of seconds >= 0",
        intervalSeconds);
    return new CheckpointPolicy(intervalSeconds, minSteps);
  }

  /**
   * Whether a checkpoint is due {@code nanos} and {@code steps} after the last one (or the start).
   */
  public boolean due(long nanos, long steps) {
    return steps >= minSteps && nanos >= intervalSeconds * 1e9;
  }
}
