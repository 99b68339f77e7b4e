package dev.scaling.common.hparams;

import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the batch-size law log B* = c' + ... depends on: D alone (StepLaw's finding: the optimal
 * batch barely moves with N), or N and D ({@code --bs-on N,D}), which adds the exponent bs_a_N.
 */
public enum BatchLawInputs {
  D("D"),
  N_D("N,D");

  private final String label;

  BatchLawInputs(String label) {
    this.label = label;
  }

  /** The command line's spelling: {@code D} or {@code N,D}. */
  public String label() {
    return label;
  }

  /** Whether the law has an N exponent. */
  public boolean hasN() {
    return this == N_D;
  }

  /** Every label, for messages. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(BatchLawInputs::label).toList();
  }

  /**
   * The constant spelled {@code value} (case and spaces ignored: {@code n, d} is {@code N,D}).
   *
   * @throws SpecException naming {@code field} for any other value
   */
  public static BatchLawInputs parse(String field, String value) {
    String v = value == null ? "" : value.replace(" ", "").toUpperCase(Locale.ROOT);
    for (BatchLawInputs b : values()) {
      if (b.label.equals(v)) {
        return b;
      }
    }
    throw new SpecException(field, "one of " + labels(), value);
  }
}
