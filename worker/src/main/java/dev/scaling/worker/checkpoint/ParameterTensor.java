package dev.scaling.worker.checkpoint;

import dev.scaling.common.spec.InvariantViolation;
import java.util.Arrays;

/**
 * One model parameter's values on the host, as a checkpoint stores them.
 *
 * @param name the parameter's name in the model
 * @param shape its dimensions
 * @param values its values, flattened in row-major order
 */
public record ParameterTensor(String name, long[] shape, float[] values) {
  public ParameterTensor {
    long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (size != values.length) {
      throw new InvariantViolation(
          "parameter "
              + name
              + " has "
              + values.length
              + " values for shape "
              + Arrays.toString(shape));
    }
  }
}
