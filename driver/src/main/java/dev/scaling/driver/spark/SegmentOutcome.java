package dev.scaling.driver.spark;

import dev.scaling.common.trial.TrunkResult;
import java.io.Serializable;

/**
 * A {@link TrunkResult} with where it ran, as a {@link TrunkTask} returns it to the driver.
 *
 * @param result what the worker returned
 * @param executorId the Spark executor of the attempt
 * @param host that executor's host
 * @param attempt Spark's attempt number (0 = first)
 */
public record SegmentOutcome(TrunkResult result, String executorId, String host, int attempt)
    implements Serializable {}
