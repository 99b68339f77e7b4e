package dev.scaling.driver;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.function.LongPredicate;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Typed picocli converters for command-line options that state their rule. A converter throws a
 * {@link TypeConversionException} whose message is only the rule ("a whole number >= 0"); {@link
 * SweepMain}'s parameter-exception handler adds the option's name and the value found, so every bad
 * option reads like a spec error: {@code --bootstrap must be a whole number >= 0, found "-1"}. Use
 * them as {@code @Option(converter = OptionRules.NonNegativeInt.class)}.
 */
public final class OptionRules {
  private OptionRules() {}

  /** A whole number >= 0 (resample counts). */
  public static final class NonNegativeInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) wholeNumber(value, "a whole number >= 0", Integer.MAX_VALUE, v -> v >= 0);
    }
  }

  /** A whole number >= 1 (rounds, slots). */
  public static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) wholeNumber(value, "a whole number >= 1", Integer.MAX_VALUE, v -> v >= 1);
    }
  }

  /** Any whole number that fits in 64 bits (seeds). */
  public static final class AnyLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return wholeNumber(value, "a whole number", Long.MAX_VALUE, v -> true);
    }
  }

  /** A finite number > 0 (Huber delta). */
  public static final class PositiveDouble implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return number(value, "a finite number > 0", v -> v > 0);
    }
  }

  /** A finite number >= 0 (seconds between checkpoints, 0 turning them off). */
  public static final class NonNegativeDouble implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return number(value, "a finite number >= 0", v -> v >= 0);
    }
  }

  /** A share in [0, 1) (the back-test share). */
  public static final class Share implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return number(value, "a number in [0, 1)", v -> v >= 0 && v < 1);
    }
  }

  /**
   * Parses a whole number with the given rule, failing with the rule alone (the handler adds field
   * and value).
   */
  static long wholeNumber(String value, String rule, long max, LongPredicate ok) {
    long v;
    try {
      v = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(rule);
    }
    if (v > max || v < -max - 1 || !ok.test(v)) {
      throw new TypeConversionException(rule);
    }
    return v;
  }

  /** Parses a finite decimal number with the given rule. */
  static double number(String value, String rule, DoublePredicate ok) {
    double v;
    try {
      v = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(rule);
    }
    if (!Double.isFinite(v) || !ok.test(v)) {
      throw new TypeConversionException(rule);
    }
    return v;
  }

  /** A word out of a fixed list, case-insensitive; returns it in lower case. */
  static String choice(String value, List<String> accepted) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(v)) {
      throw new TypeConversionException(oneOf(accepted));
    }
    return v;
  }

  /** The rule "one of [a, b, c]". */
  static String oneOf(List<String> accepted) {
    return "one of " + accepted;
  }

  /** The lower-case names of an enum's constants, the words the command line accepts for it. */
  static List<String> words(Class<?> enumType) {
    return Arrays.stream(enumType.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
        .toList();
  }
}
