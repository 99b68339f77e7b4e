package dev.scaling.driver;

import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.CoordCheck;
import dev.scaling.worker.Engines;
import dev.scaling.worker.model.ModelFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * muP's coordinate check as a library call: for each width, a few Adam steps of the spec's model on
 * one fixed batch of its data under the standard parametrization and under muP, in this process on
 * the CPU (no Spark), and the table of the logits' and the last block's RMS side by side. It runs
 * the worker's trainer in the driver's JVM, so it is one of the few driver classes that import the
 * worker.
 */
public final class CoordCheckStudy {
  private CoordCheckStudy() {}

  /** The samples of one parametrization: one list per width, steps 0..N each. */
  public record Side(String label, List<List<CoordCheck.Sample>> samples) {}

  /**
   * Runs the check: every width of {@code widths} under standard and under muP at {@code base}.
   *
   * @throws SpecException naming {@code --widths[i]} for a width that is no multiple of the head
   *     size
   */
  public static List<Side> run(
      SweepSpec s, List<Integer> widths, int steps, double rate, int base, Configuration conf) {
    for (int i = 0; i < widths.size(); i++) {
      int w = widths.get(i);
      if (w % s.model().headSize() != 0) {
        throw new SpecException(
            "--widths[" + i + "]",
            "a positive multiple of model.head_size (" + s.model().headSize() + ")",
            w);
      }
    }
    ParametrizationSpec mup = ParametrizationSpec.mup(base);
    Engines.configure(Math.max(1, Runtime.getRuntime().availableProcessors()));
    int depth = s.grid().depth().get(0);
    List<Side> sides = new ArrayList<>();
    for (ParametrizationSpec p : new ParametrizationSpec[] {null, mup}) {
      List<List<CoordCheck.Sample>> perWidth = new ArrayList<>();
      for (int w : widths) {
        perWidth.add(CoordCheck.run(trial(s, w, depth, rate, p), steps, conf));
      }
      sides.add(new Side(ParametrizationSpec.labelOf(p), perWidth));
    }
    return sides;
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
            p,
            s.model().familySettings());
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
