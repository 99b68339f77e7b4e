package dev.scaling.driver;

import dev.scaling.common.model.MupSettings;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./sweep coord-check SPEC}: muP's coordinate check on the spec's model, data and learning
 * rate, in this process on the CPU (no Spark). Each width takes a few Adam steps on one fixed batch
 * under the standard parametrization and under muP, and the table shows the RMS of the logits and
 * of the last block's output at every step, side by side: under muP they stay flat as the width
 * grows, under the standard parametrization they grow.
 */
@Command(
    name = "coord-check",
    mixinStandardHelpOptions = true,
    description =
        "muP coordinate check: activation scales over a few Adam steps, per width, standard vs mup.")
public final class CoordCheckCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SPEC", description = "Sweep spec (YAML), a local path.")
  Path spec;

  @Option(
      names = "--widths",
      split = ",",
      paramLabel = "W",
      defaultValue = "32,64,128,256",
      converter = OptionRules.PositiveInt.class,
      description = "Widths to compare, multiples of model.head_size (default ${DEFAULT-VALUE}).")
  List<Integer> widths;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "4",
      converter = OptionRules.PositiveInt.class,
      description = "Adam steps after the initial measurement (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      converter = OptionRules.PositiveDouble.class,
      description = "Learning rate (default: the spec's training.learning_rate).")
  Double lr;

  @Option(
      names = "--base-width",
      paramLabel = "W",
      converter = OptionRules.PositiveInt.class,
      description = "muP base width (default: the spec's model.base_width, else 32).")
  Integer baseWidth;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws IOException {
    SweepSpec s = SpecParser.parse(spec);
    ParametrizationSpec specMup = s.model().parametrization();
    int base =
        baseWidth != null
            ? baseWidth
            : specMup != null && specMup.settings() instanceof MupSettings m
                ? m.baseWidth()
                : MupSettings.DEFAULT_BASE_WIDTH;
    PrintWriter out = command.commandLine().getOut();
    double rate = lr != null ? lr : s.training().learningRate();
    out.printf(
        Locale.ROOT,
        "coordinate check of %s: depth %d, context %d, batch %d, learning rate %s, %d Adam steps on"
            + " one fixed batch (RMS of activations; no schedule, no clipping)%n",
        spec,
        s.grid().depth().get(0),
        s.model().context(),
        s.training().batchSize(),
        rate,
        steps);
    out.flush();
    out.print(
        CoordCheckStudy.table(
            CoordCheckStudy.run(s, widths, steps, rate, base, new Configuration())));
    out.flush();
    return 0;
  }
}
