package dev.scaling.driver;

import dev.scaling.common.fit.FitOptions;
import picocli.CommandLine.Option;

/**
 * The fit options {@code run}, {@code plan} and {@code fit} share, as a picocli mixin: {@code
 * --huber-delta} and {@code --bootstrap}, defaulting to {@link FitOptions#defaults()}. A command
 * that fits without intervals ({@code plan --power}) ignores {@code --bootstrap}.
 */
public final class FitOptionsMixin {
  @Option(
      names = "--huber-delta",
      paramLabel = "DELTA",
      converter = OptionRules.PositiveDouble.class,
      description =
          "Huber delta of the fits' objective on log residuals (default ${DEFAULT-VALUE}).")
  double huberDelta = FitOptions.defaults().huberDelta();

  @Option(
      names = "--bootstrap",
      paramLabel = "N",
      converter = OptionRules.NonNegativeInt.class,
      description =
          "Bootstrap resamples for the fits' intervals, 0 for none (default ${DEFAULT-VALUE}; 100 with"
              + " fit --curves, where each resample is a whole multi-start curve fit).")
  int bootstrap = FitOptions.defaults().bootstrap();

  /** The Huber delta given. */
  public double huberDelta() {
    return huberDelta;
  }

  /** The bootstrap resamples given. */
  public int bootstrap() {
    return bootstrap;
  }
}
