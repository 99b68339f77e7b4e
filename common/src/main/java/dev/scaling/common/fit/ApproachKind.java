package dev.scaling.common.fit;

import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The compute-optimal approaches, named as in tables, JSON and on the command line; the one
 * registration of an {@link Approach}.
 */
public enum ApproachKind {
  /** Chinchilla approach 1: the lower convex hull of loss against compute, then N* ~ C^a. */
  ENVELOPE(new EnvelopeApproach()),
  /** Chinchilla approach 2: per budget a quadratic of loss in log N, then its vertices ~ C^a. */
  ISOFLOP(new IsoFlopApproach()),
  /** Chinchilla approach 3: the allocation implied by the fitted Chinchilla law. */
  PARAMETRIC(new ParametricApproach());

  private final Approach approach;

  ApproachKind(Approach approach) {
    this.approach = approach;
  }

  /** The implementation. */
  public Approach approach() {
    return approach;
  }

  /** The lower-case name used in tables, JSON and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every label, comma-separated, for messages. */
  public static String labels() {
    return Arrays.stream(values()).map(ApproachKind::label).collect(Collectors.joining(", "));
  }

  /**
   * {@code all} or a comma-separated list of labels, without repeats; throws a {@link
   * SpecException} naming {@code field}, the rule and the value otherwise.
   */
  public static List<ApproachKind> parseList(String field, String value) {
    return LabelList.parse(
        field, value, values(), List.of(values()), ApproachKind::label, labels());
  }
}
