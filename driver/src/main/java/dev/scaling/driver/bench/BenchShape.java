package dev.scaling.driver.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One model shape of the trainer bench, as {@code --shapes} gives it ({@code 128x3}).
 *
 * @param width model width, a positive multiple of the head size
 * @param depth blocks, positive
 */
record BenchShape(int width, int depth) {
  /** The rule {@code --shapes} states when an item breaks it. */
  static final String RULE =
      "a comma-separated list of WIDTHxDEPTH (WIDTH a positive multiple of "
          + TrainerBench.HEAD_SIZE
          + ", DEPTH positive, e.g. 64x2,128x3)";

  BenchShape {
    if (width <= 0 || width % TrainerBench.HEAD_SIZE != 0 || depth <= 0) {
      throw new TypeConversionException(RULE);
    }
  }

  /**
   * Parses {@code WIDTHxDEPTH}; the message of a failure is the rule alone (the command line adds
   * the rest).
   */
  static BenchShape parse(String s) {
    String[] p = s.trim().toLowerCase(Locale.ROOT).split("x", -1);
    if (p.length != 2) {
      throw new TypeConversionException(RULE);
    }
    try {
      return new BenchShape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
    } catch (NumberFormatException e) {
      throw new TypeConversionException(RULE);
    }
  }

  /** The picocli converter of {@code --shapes} items. */
  static final class Converter implements ITypeConverter<BenchShape> {
    @Override
    public BenchShape convert(String value) {
      return parse(value);
    }
  }

  @Override
  public String toString() {
    return width + "x" + depth;
  }
}
