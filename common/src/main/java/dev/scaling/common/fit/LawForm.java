package dev.scaling.common.fit;

import java.util.Locale;

/** The functional forms the fitter knows, named as they appear in tables and JSON. */
public enum LawForm {
  /** Hoffmann et al. 2022: L = E + A/N^alpha + B/D^beta. */
  CHINCHILLA,
  /** Kaplan et al. 2020: L = [(Nc/N)^(alphaN/alphaD) + Dc/D]^alphaD. */
  KAPLAN,
  /** L(N) = E + A/N^alpha over the rows at the largest D. */
  POWER_N,
  /** L(D) = E + B/D^beta over the rows at the largest N. */
  POWER_D;

  /** The lower-case name used in tables, JSON and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label such as {@code chinchilla}; throws naming the accepted values otherwise. */
  public static LawForm parse(String label) {
    for (LawForm f : values()) {
      if (f.label().equalsIgnoreCase(label.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "form must be one of chinchilla, kaplan, power_n, power_d, found " + label);
  }
}
