package dev.scaling.common.curve;

import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The whole-curve laws the fitter knows, named as on the command line ({@code --law}) and in
 * tables. This enum is the one registration of a curve law.
 */
public enum CurveLawForm {
  /** Luo et al. 2025, the Multi-Power Law: L(t) = L0 + A·S1(t)^(-alpha) - LD(t), 7 parameters. */
  MPL(new MultiPowerLaw()),
  /**
   * Tissue et al. 2024, the learning-rate annealing law: L = L0 + A·S1^(-alpha) - C·S2, 4
   * parameters, with the annealing momentum lambda 0.999 per step.
   */
  ANNEALING(new AnnealingLaw(AnnealingLaw.DEFAULT_LAMBDA));

  private final CurveLaw law;

  CurveLawForm(CurveLaw law) {
    this.law = law;
  }

  /** The law behind this form. */
  public CurveLaw law() {
    return law;
  }

  /** The lower-case name used on the command line and in tables. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every label, comma-separated, for messages. */
  public static String labels() {
    return Arrays.stream(values()).map(CurveLawForm::label).collect(Collectors.joining(", "));
  }

  /** Parses a label; throws a {@link SpecException} naming {@code field} and the labels. */
  public static CurveLawForm parse(String field, String label) {
    for (CurveLawForm f : values()) {
      if (label != null && f.label().equalsIgnoreCase(label.trim())) {
        return f;
      }
    }
    throw new SpecException(field, "one of " + labels(), label);
  }
}
