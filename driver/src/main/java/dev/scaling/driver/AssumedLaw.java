package dev.scaling.driver;

import dev.scaling.common.fit.ChinchillaParams;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --assume}: five numbers E,A,B,alpha,beta, or the five as name=value pairs (the fit
 * summary's {@code E=1.79 A=406 B=411 alpha=0.34 beta=0.28}), separated by commas or spaces; E >= 0
 * and A, B, alpha, beta > 0.
 */
public final class AssumedLaw implements ITypeConverter<ChinchillaParams> {
  static final List<String> NAMES = List.of("E", "A", "B", "alpha", "beta");
  static final String RULE =
      "five numbers E,A,B,alpha,beta (or E=..,A=..,B=..,alpha=..,beta=..) with E >= 0 and A,"
          + " B, alpha, beta > 0";

  @Override
  public ChinchillaParams convert(String value) {
    // The fit summary's intervals ("alpha=0.34 [0.30, 0.38]") are dropped, so its line can be
    // pasted as it is.
    String[] parts = value.replaceAll("\\[[^\\]]*\\]", " ").trim().split("[,;\\s]+");
    double[] v = new double[5];
    boolean named = Arrays.stream(parts).anyMatch(p -> p.contains("="));
    if (parts.length != 5) {
      throw new TypeConversionException(RULE + " (" + parts.length + " given)");
    }
    boolean[] seen = new boolean[5];
    for (int i = 0; i < 5; i++) {
      String p = parts[i];
      int k = i;
      if (named) {
        int eq = p.indexOf('=');
        k = eq < 0 ? -1 : NAMES.indexOf(p.substring(0, eq).trim());
        if (k < 0 || seen[k]) {
          throw new TypeConversionException(RULE + " (" + p + " names none or a repeat)");
        }
        p = p.substring(eq + 1);
      }
      seen[k] = true;
      try {
        v[k] = Double.parseDouble(p.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException(RULE + " (" + p + " is not a number)");
      }
      boolean ok = Double.isFinite(v[k]) && (k == 0 ? v[k] >= 0 : v[k] > 0);
      if (!ok) {
        throw new TypeConversionException(
            RULE
                + " ("
                + NAMES.get(k)
                + " = "
                + p.trim()
                + " is not "
                + (k == 0 ? ">= 0" : "> 0")
                + ")");
      }
    }
    return new ChinchillaParams(v[0], v[1], v[2], v[3], v[4]);
  }
}
