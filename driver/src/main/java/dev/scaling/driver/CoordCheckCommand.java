package dev.scaling.driver;

import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.CoordCheck;
import dev.scaling.worker.Engines;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.MupParametrization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** The samples of one parametrization: one list per width, steps 0..N each. */
  record Side(String label, List<List<CoordCheck.Sample>> samples) {}

  @Override
  public Integer call() throws IOException {
    SweepSpec s = SpecParser.parse(spec);
    for (int i = 0; i < widths.size(); i++) {
      int w = widths.get(i);
      if (w % s.model().headSize() != 0) {
        throw new SpecException(
            "--widths[" + i + "]",
            "a positive multiple of model.head_size (" + s.model().headSize() + ")",
            w);
      }
    }
    ParametrizationSpec specMup = s.model().parametrization();
    int base =
        baseWidth != null
            ? baseWidth
            : specMup != null ? specMup.baseWidth() : ParametrizationSpec.DEFAULT_BASE_WIDTH;
    ParametrizationSpec mup = new ParametrizationSpec(MupParametrization.NAME, base);
    Engines.configure(Math.max(1, Runtime.getRuntime().availableProcessors()));
    PrintWriter out = command.commandLine().getOut();
    double rate = lr != null ? lr : s.training().learningRate();
    int depth = s.grid().depth().get(0);
    out.printf(
        Locale.ROOT,
        "coordinate check of %s: depth %d, context %d, batch %d, learning rate %s, %d Adam steps on"
            + " one fixed batch (RMS of activations; no schedule, no clipping)%n",
        spec,
        depth,
        s.model().context(),
        s.training().batchSize(),
        rate,
        steps);
    out.flush();
    Configuration conf = new Configuration();
    List<Side> sides = new ArrayList<>();
    for (ParametrizationSpec p : new ParametrizationSpec[] {null, mup}) {
      List<List<CoordCheck.Sample>> perWidth = new ArrayList<>();
      for (int w : widths) {
        perWidth.add(CoordCheck.run(trial(s, w, depth, rate, p), steps, conf));
      }
      sides.add(new Side(ParametrizationSpec.labelOf(p), perWidth));
    }
    out.print(table(sides));
    out.flush();
    return 0;
  }

  /**
   * The trial of width {@code width} the check trains: the spec's data, model and batch, one batch
   * of tokens, the default schedule (unused: the check's learning rate is constant).
   */
  static Trial trial(SweepSpec s, int width, int depth, double lr, ParametrizationSpec p) {
    TrainingSpec t = s.training();
    // The check applies no schedule; the default one keeps a one-batch trial valid (a wsd warmup
    // longer than the trial would not be).
    TrainingSpec training =
        new TrainingSpec(
            t.batchSize(),
            lr,
            t.warmupFraction(),
            t.minLrFraction(),
            t.gradClip(),
            t.evalInterval());
    TrialConfig config =
        new TrialConfig(
            s.seed(),
            s.model().family(),
            width,
            depth,
            width / s.model().headSize(),
            s.model().context(),
            (long) t.batchSize() * s.model().context(),
            0,
            s.data(),
            training,
            p);
    return ModelFamilies.trial(s.name(), config);
  }

  /**
   * The printed table: a row per width and step with the logits' and the last block's RMS for each
   * parametrization, then per parametrization the ratio of the widest to the narrowest width at the
   * last step.
   */
  static String table(List<Side> sides) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%6s %5s", "", ""));
    for (Side side : sides) {
      sb.append(String.format(Locale.ROOT, " | %-25s", side.label()));
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%6s %5s", "width", "step"));
    for (int i = 0; i < sides.size(); i++) {
      sb.append(String.format(Locale.ROOT, " | %11s %13s", "logits", "last block"));
    }
    sb.append('\n');
    List<List<CoordCheck.Sample>> first = sides.get(0).samples();
    for (int w = 0; w < first.size(); w++) {
      for (int step = 0; step < first.get(w).size(); step++) {
        sb.append(String.format(Locale.ROOT, "%6d %5d", first.get(w).get(step).width(), step));
        for (Side side : sides) {
          CoordCheck.Sample x = side.samples().get(w).get(step);
          sb.append(String.format(Locale.ROOT, " | %11.4f %13.4f", x.logits(), x.lastBlock()));
        }
        sb.append('\n');
      }
    }
    int last = first.size() - 1;
    int lastStep = first.get(0).size() - 1;
    for (Side side : sides) {
      CoordCheck.Sample lo = side.samples().get(0).get(lastStep);
      CoordCheck.Sample hi = side.samples().get(last).get(lastStep);
      sb.append(
          String.format(
              Locale.ROOT,
              "%s: width %d / width %d at step %d: logits %.2fx, last block %.2fx%n",
              side.label(),
              hi.width(),
              lo.width(),
              lastStep,
              hi.logits() / lo.logits(),
              hi.lastBlock() / lo.lastBlock()));
    }
    return sb.toString();
  }
}
