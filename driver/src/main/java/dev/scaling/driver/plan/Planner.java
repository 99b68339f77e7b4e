package dev.scaling.driver.plan;

import dev.scaling.common.spec.IsoflopSpec;
import dev.scaling.common.spec.LrBatchScaling;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.TrialLimit;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.ModelShape;
import dev.scaling.common.trial.PlanningCatalog;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Expands a sweep spec's grid into trials and orders them for the scheduler. Pure: no Spark, no
 * I/O. The spec's {@code model.family} is looked up here (in the {@link PlanningCatalog}, so the
 * planner imports no worker class), so an unknown family stops the run before Spark starts, and
 * each trial carries the parameter counts its family states. An IsoFLOP grid ({@code grid.isoflop})
 * is planned by budget: see {@link #isoflopPoints}.
 */
public final class Planner {
  private Planner() {}

  /**
   * Cost order: descending 6ND, then descending total parameters x D, then descending optimizer
   * steps (of one model and D, a smaller batch size takes more steps, each with its fixed costs and
   * its share of the evaluations), then trial id (stable).
   */
  static final Comparator<Trial> BY_DESCENDING_COST =
      Comparator.comparingDouble(Trial::flops)
          .thenComparingDouble(t -> (double) t.nParamsTotal() * t.tokens())
          .thenComparingLong(Trial::steps)
          .reversed()
          .thenComparing(Trial::trialId);

  /**
   * One shape of the grid's width x depth ladder with the model family's N for it.
   *
   * @param width model width
   * @param depth blocks
   * @param n the family's non-embedding parameters
   */
  record Shape(int width, int depth, long n) {}

  /**
   * One planned model of an IsoFLOP budget.
   *
   * @param shape the ladder shape picked
   * @param tokens D = C / (6N) rounded to whole batches
   * @param budget the nominal budget C
   */
  record Point(Shape shape, long tokens, double budget) {}

  /**
   * Every grid point as a trial, most expensive first.
   *
   * @throws SpecException when {@code model.family} names no registered family, or an IsoFLOP
   *     budget cannot be planned (naming {@code grid.isoflop.budgets[i]}, the rule and the budget)
   */
  public static Plan plan(SweepSpec spec) {
    PlanningCatalog catalog = PlanningCatalog.get();
    TrialLimit.check(spec.grid());
    List<Trial> trials = new ArrayList<>((int) Math.min(spec.grid().size(), TrialLimit.DEFAULT));
    List<TrainingSpec> trainings = trainings(spec);
    if (spec.grid().isoflop() == null) {
      for (int width : spec.grid().width()) {
        for (int depth : spec.grid().depth()) {
          for (long tokens : spec.grid().tokens()) {
            addTrials(spec, catalog, width, depth, tokens, null, trainings, trials);
          }
        }
      }
    } else {
      Map<String, Integer> budgetOfId = new HashMap<>();
      List<Double> budgets = spec.grid().isoflop().budgets();
      for (int i = 0; i < budgets.size(); i++) {
        List<Trial> ofBudget = new ArrayList<>();
        // Each batch size rounds D to its own whole batches, so every trial trains exactly D.
        for (int batch : batchSizes(spec)) {
          List<TrainingSpec> atBatch =
              trainings.stream().filter(t -> t.batchSize() == batch).toList();
          for (Point p : isoflopPoints(spec, catalog, i, batch)) {
            addTrials(
                spec,
                catalog,
                p.shape().width(),
                p.shape().depth(),
                p.tokens(),
                p.budget(),
                atBatch,
                ofBudget);
          }
        }
        for (Trial t : ofBudget) {
          Integer earlier = budgetOfId.putIfAbsent(t.trialId(), i);
          if (earlier != null) {
            throw new SpecException(
                budgetField(i),
                String.format(
                    Locale.ROOT,
                    "far enough from grid.isoflop.budgets[%d] (%s) that no model gets the same"
                        + " tokens in both (width %d, depth %d gets %d tokens in both)",
                    earlier,
                    budgets.get(earlier),
                    t.width(),
                    t.depth(),
                    t.tokens()),
                budgets.get(i));
          }
        }
        trials.addAll(ofBudget);
      }
    }
    Trunks.check(trials);
    trials.sort(BY_DESCENDING_COST);
    return new Plan(spec, trials, predicted(spec, trials));
  }

  /**
   * The trials a curve law predicts instead of training ({@code training.predict_branches} K): per
   * trunk, every branch but the K at indices round(i (n - 1) / (K - 1)), i = 0..K-1, of its n
   * branches sorted by token count (the first, the last and evenly between); none without K.
   */
  static Set<String> predicted(SweepSpec spec, List<Trial> trials) {
    if (!(spec.training().settings() instanceof WsdSpec wsd) || !wsd.predicts()) {
      return Set.of();
    }
    Set<String> predicted = new LinkedHashSet<>();
    for (Trunk trunk : Trunks.of(trials)) {
      List<Trial> byTokens =
          trunk.branches().stream().sorted(Comparator.comparingLong(Trial::tokens)).toList();
      Set<Integer> kept = Trunks.trainedIndices(byTokens.size(), wsd.predictBranches());
      for (int i = 0; i < byTokens.size(); i++) {
        if (!kept.contains(i)) {
          predicted.add(byTokens.get(i).trialId());
        }
      }
    }
    return predicted;
  }

  private static void addTrials(
      SweepSpec spec,
      PlanningCatalog catalog,
      int width,
      int depth,
      long tokens,
      Double budget,
      List<TrainingSpec> trainings,
      List<Trial> out) {
    for (TrainingSpec training : trainings) {
      for (int replica : spec.grid().seeds()) {
        TrialConfig config =
            new TrialConfig(
                spec.seed(),
                spec.model().family(),
                width,
                depth,
                width / spec.model().headSize(),
                spec.model().context(),
                tokens,
                replica,
                spec.data(),
                training,
                spec.model().parametrization(),
                spec.model().familySettings());
        Trial trial = catalog.trial(spec.name(), config);
        out.add(budget == null ? trial : trial.withBudget(budget));
      }
    }
  }

  /**
   * The shape ladder: every width x depth pair of the grid with its family's N, ascending in N. Two
   * shapes with one N are one point of an IsoFLOP profile, so only the shallower (wider) of them is
   * kept.
   */
  static List<Shape> ladder(SweepSpec spec, PlanningCatalog catalog) {
    int vocab = catalog.vocab(spec.data());
    List<Shape> all = new ArrayList<>();
    for (int width : spec.grid().width()) {
      for (int depth : spec.grid().depth()) {
        ModelShape shape =
            new ModelShape(
                vocab, spec.model().context(), width, depth, width / spec.model().headSize());
        all.add(
            new Shape(
                width, depth, catalog.paramCounts(spec.model().family(), shape).nonEmbedding()));
      }
    }
    all.sort(Comparator.comparingLong(Shape::n).thenComparingInt(Shape::depth));
    List<Shape> distinct = new ArrayList<>();
    for (Shape s : all) {
      if (distinct.isEmpty() || distinct.get(distinct.size() - 1).n() != s.n()) {
        distinct.add(s);
      }
    }
    return distinct;
  }

  /**
   * The models of budget {@code i}: {@code models} targets spread evenly in log N from N0 /
   * sqrt(span) to N0 · sqrt(span) around N0 = sqrt(C / (6 · tokens_per_param)), each mapped to the
   * ladder shape nearest in log N (two targets with one nearest shape plan it once), each trained
   * on D = C / (6N) tokens rounded to whole batches of {@code batch x context}.
   *
   * @throws SpecException naming {@code grid.isoflop.budgets[i]} when the ladder cannot cover the
   *     span (its smallest or largest N is more than half a target step beyond the span's ends),
   *     when fewer than {@link IsoflopSpec#MIN_MODELS} distinct N remain, or when a model's 6ND is
   *     more than {@link IsoflopSpec#TOLERANCE} off the budget
   */
  static List<Point> isoflopPoints(SweepSpec spec, PlanningCatalog catalog, int i, int batchSize) {
    IsoflopSpec iso = spec.grid().isoflop();
    double c = iso.budgets().get(i);
    String field = budgetField(i);
    List<Shape> ladder = ladder(spec, catalog);
    double n0 = iso.centre(c);
    double lo = n0 / Math.sqrt(iso.span());
    double hi = n0 * Math.sqrt(iso.span());
    double step = Math.pow(iso.span(), 1.0 / (iso.models() - 1));
    double halfStep = Math.sqrt(step);
    long smallest = ladder.get(0).n();
    long largest = ladder.get(ladder.size() - 1).n();
    if (smallest > lo * halfStep || largest < hi / halfStep) {
      throw new SpecException(
          field,
          String.format(
              Locale.ROOT,
              "covered by the shape ladder (its models' N run from %.3g to %.3g around N0 = %.3g,"
                  + " which needs a shape with N <= %.3g and one with N >= %.3g; the ladder's N"
                  + " run from %d to %d)",
              lo,
              hi,
              n0,
              lo * halfStep,
              hi / halfStep,
              smallest,
              largest),
          c);
    }
    Set<Shape> picked = new LinkedHashSet<>();
    for (int k = 0; k < iso.models(); k++) {
      double target = lo * Math.pow(step, k);
      Shape best = null;
      for (Shape s : ladder) {
        if (best == null
            || Math.abs(Math.log(s.n() / target)) < Math.abs(Math.log(best.n() / target))) {
          best = s;
        }
      }
      picked.add(best);
    }
    if (picked.size() < IsoflopSpec.MIN_MODELS) {
      throw new SpecException(
          field,
          String.format(
              Locale.ROOT,
              "given at least %d distinct N by the shape ladder (its %d targets from N = %.3g to"
                  + " %.3g find only %d distinct shapes: N = %s; add widths or depths in that"
                  + " range)",
              IsoflopSpec.MIN_MODELS,
              iso.models(),
              lo,
              hi,
              picked.size(),
              picked.stream().map(Shape::n).toList()),
          c);
    }
    long batch = (long) batchSize * spec.model().context();
    List<Point> points = new ArrayList<>();
    for (Shape s : picked) {
      long batches = Math.max(1, Math.round(c / (6.0 * s.n()) / batch));
      long tokens = batches * batch;
      double share = 6.0 * s.n() * tokens / c;
      if (Math.abs(share - 1) > IsoflopSpec.TOLERANCE) {
        throw new SpecException(
            field,
            String.format(
                Locale.ROOT,
                "within %.0f%% of 6·N·D for each of its models (width %d, depth %d, N = %d gets D ="
                    + " %d tokens in whole batches of %d, so 6·N·D = %.4g, %.3f of the budget;"
                    + " raise the budget or lower %s x model.context)",
                100 * IsoflopSpec.TOLERANCE,
                s.width(),
                s.depth(),
                s.n(),
                tokens,
                batch,
                6.0 * s.n() * tokens,
                share,
                spec.grid().hasBatchAxis()
                    ? "grid.batch_size (" + batchSize + ")"
                    : "training.batch_size"),
            c);
      }
      points.add(new Point(s, tokens, c));
    }
    return points;
  }

  private static String budgetField(int i) {
    return "grid.isoflop.budgets[" + i + "]";
  }

  /**
   * The training settings per learning rate and batch size of the grid (the spec's learning rate
   * and batch size when the grid names none), in that order: each at its batch size B with the peak
   * learning rate lr moved by {@code training.lr_batch_scaling} from {@code
   * training.base_batch_size} to B (kept as written under {@code none}, so specs without the batch
   * keys keep their trial ids); without the wsd prediction settings (they pick the trained points,
   * not what a trial computes, so a predicted point's trial is the one it would be if trained,
   * commit file included).
   */
  static List<TrainingSpec> trainings(SweepSpec spec) {
    TrainingSpec t = spec.training();
    if (t.settings() instanceof WsdSpec wsd && wsd.predicts()) {
      // What a trial computes: which points are predicted is the plan's, not the trial's.
      t = t.withSettings(wsd.withoutPrediction());
    }
    LrBatchScaling scaling = t.lrBatchScaling();
    int base = t.learningRateBase();
    if (scaling != LrBatchScaling.NONE) {
      // Each trial's own batch size differs from the base: it records the base its rate came from.
      t = t.withLrBatchScaling(scaling, base);
    }
    List<Double> rates =
        spec.grid().learningRate().isEmpty()
            ? List.of(t.learningRate())
            : spec.grid().learningRate();
    List<TrainingSpec> out = new ArrayList<>();
    for (double lr : rates) {
      for (int batch : batchSizes(spec)) {
        out.add(t.withBatchSize(batch).withLearningRate(scaling.scale(lr, batch, base)));
      }
    }
    return out;
  }

  /** The batch sizes of the trials: {@code grid.batch_size}, or {@code training.batch_size}. */
  static List<Integer> batchSizes(SweepSpec spec) {
    return spec.grid().batchSizes(spec.training().batchSize());
  }
}
