package dev.scaling.driver.batch;

import dev.scaling.common.batch.LoggedPoint;
import dev.scaling.common.batch.TrialCurve;
import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.spec.LrBatchScaling;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The models of a sweep as the batch study sees them: its finished trials grouped by their whole
 * configuration (the trial id's {@link ConfigWalk}) less what a batch axis varies within one model:
 * the batch size, the tokens D, the replica seed, the microbatches and the evaluation interval;
 * under {@code training.lr_batch_scaling} the learning rate counts as its value at batch 1, so the
 * rates the planner scaled with B stay one model. A field added to the configuration splits models
 * without anyone remembering to add it here. Each model is named {@code width W depth D}, with the
 * fields that tell apart models of the same shape appended (e.g. {@code learning_rate=0.003}).
 */
public final class BatchModels {
  /** Leaves a batch axis varies within one model. */
  static final Set<String> WITHIN_A_MODEL =
      Set.of(
          "tokens",
          "replica",
          "training.batch_size",
          "training.microbatches",
          "training.eval_interval");

  private static final String LEARNING_RATE = "training.learning_rate";

  private BatchModels() {}

  /**
   * One model: its trials' curves.
   *
   * @param group the model's name
   * @param n its non-embedding parameters
   * @param curves its finished trials' curves, in outcome order
   */
  public record Model(String group, double n, List<TrialCurve> curves) {
    public Model {
      curves = List.copyOf(curves);
    }

    /** The distinct batch sizes of its trials, in tokens, ascending. */
    public List<Double> batchSizes() {
      return new ArrayList<>(new TreeSet<>(curves.stream().map(TrialCurve::batchTokens).toList()));
    }
  }

  /** The models of the finished trials among {@code outcomes}, in order of their first trial. */
  public static List<Model> of(List<TrialOutcome> outcomes) {
    Map<List<ConfigWalk.Leaf>, List<TrialOutcome>> byKey = new LinkedHashMap<>();
    for (TrialOutcome o : outcomes) {
      if (o.result().status() != TrialStatus.FINISHED || o.result().curve().isEmpty()) {
        continue;
      }
      byKey.computeIfAbsent(key(o.trial()), k -> new ArrayList<>()).add(o);
    }
    Map<String, List<List<ConfigWalk.Leaf>>> byShape = new LinkedHashMap<>();
    for (Map.Entry<List<ConfigWalk.Leaf>, List<TrialOutcome>> e : byKey.entrySet()) {
      byShape
          .computeIfAbsent(shape(e.getValue().get(0).trial()), k -> new ArrayList<>())
          .add(e.getKey());
    }
    List<Model> out = new ArrayList<>();
    for (Map.Entry<List<ConfigWalk.Leaf>, List<TrialOutcome>> e : byKey.entrySet()) {
      Trial first = e.getValue().get(0).trial();
      String shape = shape(first);
      String group = shape + distinguishing(e.getKey(), byShape.get(shape));
      List<TrialCurve> curves = new ArrayList<>();
      for (TrialOutcome o : e.getValue()) {
        curves.add(curve(o, group));
      }
      out.add(new Model(group, first.nParams(), curves));
    }
    return out;
  }

  /** The trial's configuration less what varies within a model. */
  static List<ConfigWalk.Leaf> key(Trial t) {
    LrBatchScaling scaling = t.training().lrBatchScaling();
    List<ConfigWalk.Leaf> out = new ArrayList<>();
    for (ConfigWalk.Leaf l : ConfigWalk.leaves(t.config())) {
      if (WITHIN_A_MODEL.contains(l.path())) {
        continue;
      }
      if (l.path().equals(LEARNING_RATE) && scaling != LrBatchScaling.NONE) {
        // The rate at batch 1, in 9 significant digits: the planner's scaled rates of one base
        // rate agree there up to rounding.
        double atOne = t.training().learningRate() / scaling.scale(1, t.training().batchSize(), 1);
        out.add(new ConfigWalk.Leaf(LEARNING_RATE, String.format(Locale.ROOT, "%.9g", atOne)));
        continue;
      }
      out.add(l);
    }
    return out;
  }

  private static String shape(Trial t) {
    return "width " + t.width() + " depth " + t.depth();
  }

  /**
   * The {@code name=value} pairs that tell {@code key} apart from the other models of its shape;
   * empty when it is the only one.
   */
  private static String distinguishing(
      List<ConfigWalk.Leaf> key, List<List<ConfigWalk.Leaf>> sameShape) {
    if (sameShape.size() < 2) {
      return "";
    }
    Set<String> differing = new LinkedHashSet<>();
    for (List<ConfigWalk.Leaf> other : sameShape) {
      Map<String, Object> values = new LinkedHashMap<>();
      other.forEach(l -> values.put(l.path(), l.value()));
      for (ConfigWalk.Leaf l : key) {
        if (!Objects.equals(values.get(l.path()), l.value())) {
          differing.add(l.path());
        }
      }
    }
    StringBuilder s = new StringBuilder();
    for (ConfigWalk.Leaf l : key) {
      if (differing.contains(l.path())) {
        String name = l.path().substring(l.path().lastIndexOf('.') + 1);
        s.append(' ').append(name).append('=').append(l.value());
      }
    }
    return s.toString();
  }

  /** The trial's curve: its logged steps, held-out losses and noise scales. */
  static TrialCurve curve(TrialOutcome o, String group) {
    Trial t = o.trial();
    List<LoggedPoint> pts = new ArrayList<>();
    long last = -1;
    for (CurvePoint p : o.result().curve()) {
      if (p.step() <= last) {
        continue; // a resumed attempt may repeat its checkpoint's point
      }
      last = p.step();
      pts.add(new LoggedPoint(p.step(), p.evalLoss(), noiseScale(p)));
    }
    return new TrialCurve(
        t.trialId(), group, t.nParams(), t.tokensPerStep(), warmupSteps(t.schedule()), pts);
  }

  /** The noise scale logged at {@code p} (tokens), null where not measured. */
  static Double noiseScale(CurvePoint p) {
    return p.gradNoiseScale();
  }

  /**
   * Steps until the schedule first reaches its peak learning rate (0 when it starts there): the
   * warmup, whatever the schedule calls it.
   */
  static long warmupSteps(LearningRateSchedule s) {
    double peak = 0;
    long at = 0;
    for (long i = 0; i < s.steps(); i++) {
      double lr = s.at(i);
      if (lr > peak) {
        peak = lr;
        at = i;
      }
    }
    return at == 0 ? 0 : at + 1;
  }
}
