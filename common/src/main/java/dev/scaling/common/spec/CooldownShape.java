package dev.scaling.common.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a warmup-stable-decay cooldown brings the learning rate from the peak to its floor, as a
 * factor of 1 at the cooldown's start falling to 0 at its last step ({@code
 * training.cooldown_shape}). Hägele et al. 2024 find {@link #ONE_MINUS_SQRT} better than linear; it
 * is the default.
 */
public enum CooldownShape {
  /** 1 - sqrt(t): a fast initial drop, the paper's "1-sqrt". */
  ONE_MINUS_SQRT("1-sqrt"),
  /** 1 - t. */
  LINEAR("linear"),
  /** (1 + cos(pi t)) / 2. */
  COSINE("cosine");

  private final String label;

  CooldownShape(String label) {
    this.label = label;
  }

  /** The name in the spec, e.g. {@code 1-sqrt}. */
  public String label() {
    return label;
  }

  /**
   * The factor at cooldown progress {@code t} in [0, 1]: 1 at t = 0, 0 at t = 1.
   *
   * @param t the share of the cooldown done
   * @return the factor, in [0, 1]
   */
  public double factor(double t) {
    return switch (this) {
      case ONE_MINUS_SQRT -> 1 - Math.sqrt(t);
      case LINEAR -> 1 - t;
      case COSINE -> 0.5 * (1 + Math.cos(Math.PI * t));
    };
  }

  /** The shape named {@code label} in the spec, or a {@link SpecException} naming the field. */
  public static CooldownShape parse(String field, String label) {
    for (CooldownShape s : values()) {
      if (s.label.equals(label == null ? null : label.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new SpecException(field, "one of " + labels(), label);
  }

  /** The spec names of every shape. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(CooldownShape::label).toList();
  }
}
