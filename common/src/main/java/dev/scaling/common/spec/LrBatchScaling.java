package dev.scaling.common.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a trial's peak learning rate moves with its batch size B relative to {@code
 * training.base_batch_size} ({@code training.lr_batch_scaling}): kept ({@code none}), times sqrt(B
 * / base) (Adam's square-root rule, Malladi et al. 2022), or times B / base (Goyal et al. 2017's
 * linear rule for SGD). The planner applies it, so a trial's {@link TrainingSpec#learningRate()} is
 * already the scaled rate.
 */
public enum LrBatchScaling {
  NONE(0.0),
  SQRT(0.5),
  LINEAR(1.0);

  private final double exponent;

  LrBatchScaling(double exponent) {
    this.exponent = exponent;
  }

  /** The spec's spelling: {@code none}, {@code sqrt}, {@code linear}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The peak learning rate at batch size {@code batch}, given {@code peak} at {@code base}. */
  public double scale(double peak, int batch, int base) {
    return exponent == 0 ? peak : peak * Math.pow((double) batch / base, exponent);
  }

  /** Every label, for messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(LrBatchScaling::label).toList();
  }

  /**
   * The constant labelled {@code value}.
   *
   * @throws SpecException naming {@code field} when no constant has that label
   */
  public static LrBatchScaling parse(String field, String value) {
    for (LrBatchScaling s : values()) {
      if (s.label().equals(value)) {
        return s;
      }
    }
    throw new SpecException(field, "one of " + labels(), value);
  }
}
