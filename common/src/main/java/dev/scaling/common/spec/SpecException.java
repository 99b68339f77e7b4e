package dev.scaling.common.spec;

/**
 * A sweep spec or input that breaks a rule. The message always names the field, the rule and the
 * value found, e.g. {@code "grid.width[1] must be a positive multiple of model.head_size (16),
 * found 40"}, so a user can fix the file without reading code.
 */
public final class SpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field dotted path of the offending field, e.g. {@code training.learning_rate}
   * @param rule what the value must be, phrased to follow "must be", e.g. {@code "positive"}
   * @param found the value found (printed with {@link String#valueOf})
   */
  public SpecException(String field, String rule, Object found) {
    super(field + " must be " + rule + ", found " + describe(found));
    this.field = field;
  }

  /** A free-form message for rules that do not fit "must be" (still naming the field first). */
  public static SpecException of(String field, String message) {
    return new SpecException(field, message);
  }

  private SpecException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** Dotted path of the offending field. */
  public String field() {
    return field;
  }

  private static String describe(Object found) {
    if (found == null) {
      return "nothing (missing)";
    }
    if (found instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(found);
  }

  /**
   * Throws when {@code ok} is false; a Guava-{@code checkArgument}-style guard for compact
   * constructors.
   */
  public static void require(boolean ok, String field, String rule, Object found) {
    if (!ok) {
      throw new SpecException(field, rule, found);
    }
  }
}
