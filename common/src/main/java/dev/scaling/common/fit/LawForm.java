package dev.scaling.common.fit;

import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The functional forms the fitter knows, named as they appear in tables, JSON and on the command
 * line. This enum is the one registration of a law: each constant names the {@link Law} that states
 * its terms, rows, start grid, parameter names and bounds, and whether it is fitted by default.
 */
public enum LawForm {
  /** Hoffmann et al. 2022: L = E + A/N^alpha + B/D^beta. */
  CHINCHILLA(new ChinchillaLaw()),
  /** Kaplan et al. 2020: L = [(Nc/N)^(alphaN/alphaD) + Dc/D]^alphaD. */
  KAPLAN(new KaplanLaw()),
  /** L(N) = E + A/N^alpha over the rows at the largest D. */
  POWER_N(new PowerLaw(Term.Variable.N)),
  /** L(D) = E + B/D^beta over the rows at the largest N. */
  POWER_D(new PowerLaw(Term.Variable.D));

  private final Law law;

  LawForm(Law law) {
    this.law = law;
  }

  /** The law behind this form. */
  public Law law() {
    return law;
  }

  /** The lower-case name used in tables, JSON and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The forms {@code sweep run} and {@code sweep fit --form all} fit, in declaration order. */
  public static List<LawForm> defaults() {
    return Arrays.stream(values()).filter(f -> f.law.fittedByDefault()).toList();
  }

  /** Every label, comma-separated, for messages. */
  public static String labels() {
    return Arrays.stream(values()).map(LawForm::label).collect(Collectors.joining(", "));
  }

  /**
   * Parses a label such as {@code chinchilla}; throws a {@link SpecException} naming {@code field}
   * and the accepted values otherwise.
   */
  public static LawForm parse(String field, String label) {
    for (LawForm f : values()) {
      if (label != null && f.label().equalsIgnoreCase(label.trim())) {
        return f;
      }
    }
    throw new SpecException(field, "one of " + labels(), label);
  }

  /**
   * {@code all} (the {@link #defaults()}) or a comma-separated list of labels, without repeats;
   * throws a {@link SpecException} naming {@code field}, the rule and the value otherwise.
   */
  public static List<LawForm> parseList(String field, String value) {
    return LabelList.parse(field, value, values(), defaults(), LawForm::label, labels());
  }
}
