package dev.scaling.driver.plan;

import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.IsoflopSpec;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.Trial;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every trial of a sweep in the order they are handed to Spark: descending estimated cost, so the
 * biggest trials start first and the cluster's tail is short (longest processing time first).
 *
 * <p>With {@code training.predict_branches} some grid points are predicted instead of trained: they
 * stay in {@code trials} (every grid point has its row and its trial id, the one it would have if
 * trained), and {@code predicted} names them; the FLOPs and time of the plan count only what is
 * trained.
 *
 * @param spec the sweep as parsed
 * @param trials the trials, most expensive first, each id once (two grid points with one id would
 *     share one commit and one result row, so a plan refuses them)
 * @param predicted ids of the trials whose final loss a curve law predicts instead of training
 *     them, empty when every trial trains
 */
public record Plan(SweepSpec spec, List<Trial> trials, Set<String> predicted) {

  /**
   * Throughput assumed by the plan's time estimate before any trial has run, in 6ND FLOP/s per
   * slot: what one CPU core reached on the quickstart's models (attention, embeddings and the
   * output layer make small models cost more than 6ND, so this is well below the core's matmul
   * peak).
   */
  public static final double DEFAULT_FLOPS_PER_SLOT = 1.0e9;

  public Plan {
    if (trials == null || trials.isEmpty()) {
      throw new IllegalArgumentException("a plan must hold at least one trial, found none");
    }
    trials = List.copyOf(trials);
    predicted = predicted == null ? Set.of() : Set.copyOf(predicted);
    Map<String, Trial> byId = new HashMap<>();
    for (Trial t : trials) {
      Trial earlier = byId.putIfAbsent(t.trialId(), t);
      if (earlier != null) {
        throw new InvariantViolation(
            "two grid points of the plan have one trial id "
                + t.trialId()
                + ": "
                + gridPoint(earlier)
                + " and "
                + gridPoint(t)
                + "; the id must hash every field that tells them apart");
      }
    }
  }

  /** A plan in which every trial trains. */
  public Plan(SweepSpec spec, List<Trial> trials) {
    this(spec, trials, Set.of());
  }

  /** Whether some trials are predicted instead of trained. */
  public boolean predicts() {
    return !predicted.isEmpty();
  }

  /** Whether {@code t} is predicted rather than trained. */
  public boolean isPredicted(Trial t) {
    return predicted.contains(t.trialId());
  }

  /** The trials that train (every trial when none is predicted), in plan order. */
  public List<Trial> trained() {
    return predicted.isEmpty() ? trials : trials.stream().filter(t -> !isPredicted(t)).toList();
  }

  /** The predicted trials, in plan order. */
  public List<Trial> predictedTrials() {
    return trials.stream().filter(this::isPredicted).toList();
  }

  /**
   * The plan the executors, the progress and the time estimate work on: the trials that train, or
   * with {@code verifyPredictions} every trial (the predicted ones trained too, to check them).
   */
  public Plan training(boolean verifyPredictions) {
    return verifyPredictions || predicted.isEmpty()
        ? new Plan(spec, trials)
        : new Plan(spec, trained());
  }

  /**
   * FLOPs the predicted trials would have cost: each one's cooldown (the trunk trains to its last
   * fork either way, and the last branch is always trained), 6N x tokens of its cooldown steps.
   */
  public double savedFlops() {
    return predictedTrials().stream()
        .mapToDouble(t -> Trunk.flopsPerStep(t) * (t.steps() - t.forkStep()))
        .sum();
  }

  /** A trial's place in the grid, for messages. */
  static String gridPoint(Trial t) {
    return String.format(
        Locale.ROOT,
        "(sweep %s: width %d, depth %d, tokens %d, learning_rate %s, batch_size %d, seed %d)",
        t.sweepName(),
        t.width(),
        t.depth(),
        t.tokens(),
        t.training().learningRate(),
        t.training().batchSize(),
        t.replica());
  }

  /** Each trial's position in the plan, by trial id, for putting outcomes back in plan order. */
  public Map<String, Integer> positions() {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < trials.size(); i++) {
      positions.put(trials.get(i).trialId(), i);
    }
    return positions;
  }

  /** Sum of 6ND over the trials that train (predicted ones cost nothing). */
  public double totalFlops() {
    return trained().stream().mapToDouble(Trial::flops).sum();
  }

  /** Largest single-trial cost: no schedule can finish before it. */
  public double maxTrialFlops() {
    return trained().stream().mapToDouble(Trial::flops).max().orElse(0);
  }

  /**
   * Lower bound on the wall time with {@code slots} concurrent trials at {@code flopsPerSlot} each:
   * max(total / slots, biggest trial).
   */
  public double estimatedSeconds(int slots, double flopsPerSlot) {
    return Math.max(totalFlops() / slots, maxTrialFlops()) / flopsPerSlot;
  }

  /** The human-readable plan printed before training starts. */
  public String describe(int slots) {
    return describe(slots, estimatedSeconds(slots, DEFAULT_FLOPS_PER_SLOT), null);
  }

  /**
   * The plan with a time estimate made elsewhere (a timed probe), {@code basis} saying how (null:
   * nothing added): every trial's row up to {@link #FULL_TABLE_MAX} trials, a {@linkplain #summary
   * summary} above.
   */
  public String describe(int slots, double estimatedSeconds, String basis) {
    return describe(slots, estimatedSeconds, basis, trials.size() <= FULL_TABLE_MAX);
  }

  /**
   * Most trials whose rows {@link #describe(int, double, String)} prints one by one; a larger plan
   * is summarised (its rows are printed with {@code ./sweep plan --all}).
   */
  public static final int FULL_TABLE_MAX = 60;

  /** Largest trials listed by the summary of a large plan. */
  public static final int LARGEST_LISTED = 10;

  /**
   * The plan with a time estimate made elsewhere, with every trial's row ({@code all}) or the
   * {@linkplain #summary summary} in their place.
   */
  public String describe(int slots, double estimatedSeconds, String basis, boolean all) {
    StringBuilder sb = new StringBuilder();
    IsoflopSpec iso = spec.grid().isoflop();
    boolean batchAxis = spec.grid().hasBatchAxis();
    String axes =
        iso == null
            ? String.format(
                Locale.ROOT,
                "%d widths x %d depths x %d token counts",
                spec.grid().width().size(),
                spec.grid().depth().size(),
                spec.grid().tokens().size())
            : String.format(
                Locale.ROOT, "%d budgets x %s models", iso.budgets().size(), modelCounts(iso));
    sb.append(
        String.format(
            Locale.ROOT,
            "Plan for sweep '%s': %d trials (%s x %d learning rates%s x %d seeds)%s,"
                + " %.3g FLOPs (6ND%s),"
                + " estimated %s on %s%n",
            spec.name(),
            trials.size(),
            axes,
            Math.max(1, spec.grid().learningRate().size()),
            batchAxis ? " x " + spec.grid().batchSize().size() + " batch sizes" : "",
            spec.grid().seeds().size(),
            predicts()
                ? String.format(
                    Locale.ROOT, ": %d trained, %d predicted", trained().size(), predicted.size())
                : "",
            totalFlops(),
            predicts() ? " of the trained ones" : "",
            Durations.format(estimatedSeconds),
            slots + " slot(s)" + (basis == null ? "" : " (" + basis + ")")));
    List<Trunk> trunks = Trunks.of(trained());
    if (!trunks.isEmpty()) {
      sb.append(all ? Trunks.describe(trunks) : firstLine(Trunks.describe(trunks)));
    }
    if (predicts()) {
      sb.append(all ? describePredicted(trunks) : firstLine(describePredicted(trunks)));
    }
    if (iso != null) {
      for (double c : iso.budgets()) {
        List<Trial> of = ofBudget(c);
        sb.append(
            String.format(
                Locale.ROOT,
                "  budget %.3g: %d models, N %d to %d (centre guess %.3g), 6ND %.3f to %.3f of"
                    + " the budget%n",
                c,
                of.stream().map(Trial::nParams).distinct().count(),
                of.stream().mapToLong(Trial::nParams).min().orElse(0),
                of.stream().mapToLong(Trial::nParams).max().orElse(0),
                iso.centre(c),
                of.stream().mapToDouble(t -> t.flops() / c).min().orElse(0),
                of.stream().mapToDouble(t -> t.flops() / c).max().orElse(0)));
      }
    }
    if (all) {
      sb.append(table(trials));
    } else {
      sb.append(summary(estimatedSeconds / Math.max(totalFlops() / slots, maxTrialFlops())));
    }
    return sb.toString();
  }

  /**
   * The summary of a large plan, in place of its rows: the trials per value of each grid axis, the
   * models and seeds, the percentiles of the trials' cost (6ND FLOPs, and seconds at {@code
   * secondsPerFlop}, the estimate's rate) and the {@value #LARGEST_LISTED} largest trials.
   */
  String summary(double secondsPerFlop) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "  Trials per value of each axis:%n"));
    axis(sb, "width", Trial::width);
    axis(sb, "depth", Trial::depth);
    axis(sb, "tokens", Trial::tokens);
    axis(sb, "learning_rate", t -> t.training().learningRate());
    if (spec.grid().hasBatchAxis()) {
      axis(sb, "batch_size", t -> t.training().batchSize());
    }
    if (spec.grid().isoflop() != null) {
      axis(sb, "budget", Trial::budget);
    }
    axis(sb, "seed", Trial::replica);
    sb.append(
        String.format(
            Locale.ROOT,
            "  %d models (distinct width x depth), %d seeds%n",
            trials.stream().map(t -> List.of(t.width(), t.depth())).distinct().count(),
            trials.stream().map(Trial::replica).distinct().count()));
    double[] flops = trained().stream().mapToDouble(Trial::flops).sorted().toArray();
    sb.append(
        String.format(
            Locale.ROOT,
            "  Cost per trained trial, 6ND FLOPs: p50 %.3g, p90 %.3g, p99 %.3g, max %.3g"
                + " (%s, %s, %s, %s at the estimate's rate)%n",
            Quantiles.quantile(flops, 0.5),
            Quantiles.quantile(flops, 0.9),
            Quantiles.quantile(flops, 0.99),
            flops[flops.length - 1],
            seconds(Quantiles.quantile(flops, 0.5) * secondsPerFlop),
            seconds(Quantiles.quantile(flops, 0.9) * secondsPerFlop),
            seconds(Quantiles.quantile(flops, 0.99) * secondsPerFlop),
            seconds(flops[flops.length - 1] * secondsPerFlop)));
    List<Trial> largest =
        trials.stream()
            .sorted(Comparator.comparingDouble(Trial::flops).reversed())
            .limit(LARGEST_LISTED)
            .toList();
    sb.append(
        String.format(
            Locale.ROOT,
            "  The %d largest trials (the other %d rows: ./sweep plan SPEC --all):%n",
            largest.size(),
            trials.size() - largest.size()));
    sb.append(table(largest));
    return sb.toString();
  }

  /** The first line of {@code text}, the heading of a section whose lines only --all prints. */
  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end + 1);
  }

  /** Seconds as {@link Durations} writes them, with 3 significant digits below a minute. */
  private static String seconds(double v) {
    return v < 60 ? String.format(Locale.ROOT, "%.3gs", v) : Durations.format(v);
  }

  /** Longest list of an axis's values the summary prints in full. */
  private static final int AXIS_VALUES_LISTED = 12;

  /**
   * One axis of the summary: each distinct value (ascending) with its trials, or past {@value
   * #AXIS_VALUES_LISTED} values their range and the least and most trials of one value.
   */
  private <T extends Comparable<T>> void axis(
      StringBuilder sb, String name, Function<Trial, T> value) {
    TreeMap<T, Long> counts =
        trials.stream().collect(Collectors.groupingBy(value, TreeMap::new, Collectors.counting()));
    StringBuilder line = new StringBuilder();
    if (counts.size() <= AXIS_VALUES_LISTED) {
      counts.forEach(
          (v, n) ->
              line.append(line.isEmpty() ? "" : ", ")
                  .append(axisValue(v))
                  .append(" (")
                  .append(n)
                  .append(')'));
    } else {
      line.append(
          String.format(
              Locale.ROOT,
              "%d values from %s to %s, %d to %d trials each",
              counts.size(),
              axisValue(counts.firstKey()),
              axisValue(counts.lastKey()),
              counts.values().stream().mapToLong(Long::longValue).min().orElse(0),
              counts.values().stream().mapToLong(Long::longValue).max().orElse(0)));
    }
    sb.append(String.format(Locale.ROOT, "    %-14s %s%n", name + ":", line));
  }

  private static String axisValue(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.3g", d) : String.valueOf(v);
  }

  /** The rows of {@code rows} (trials of this plan) under the plan table's header. */
  private String table(List<Trial> rows) {
    StringBuilder sb = new StringBuilder();
    IsoflopSpec iso = spec.grid().isoflop();
    boolean batchAxis = spec.grid().hasBatchAxis();
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %6s %5s %5s %12s %12s %10s %8s %10s %9s",
            "trial_id",
            "width",
            "depth",
            "heads",
            "n_params",
            "tokens",
            "flops",
            "D/N",
            "steps",
            "lr"));
    sb.append(batchAxis ? String.format(Locale.ROOT, " %6s", "batch") : "");
    sb.append(iso == null ? "" : String.format(Locale.ROOT, " %10s %6s", "budget", "share"));
    sb.append(predicts() ? String.format(Locale.ROOT, " %9s", "point") : "");
    sb.append(System.lineSeparator());
    for (Trial t : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %5d %12d %12d %10.3g %8.2f %10d %9.3g",
              t.trialId(),
              t.width(),
              t.depth(),
              t.heads(),
              t.nParams(),
              t.tokens(),
              t.flops(),
              t.tokensPerParam(),
              t.steps(),
              t.training().learningRate()));
      if (batchAxis) {
        sb.append(String.format(Locale.ROOT, " %6d", t.training().batchSize()));
      }
      if (t.budget() != null) {
        sb.append(String.format(Locale.ROOT, " %10.3g %6.3f", t.budget(), t.flops() / t.budget()));
      }
      if (predicts()) {
        sb.append(String.format(Locale.ROOT, " %9s", isPredicted(t) ? "predicted" : "trained"));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  /**
   * The predicted-branches section: per trunk which token counts train and which are predicted, and
   * the FLOPs the predictions save against training every branch.
   */
  private String describePredicted(List<Trunk> trainedTrunks) {
    WsdSpec wsd = spec.training().settings(WsdSpec.class);
    double trainedFlops = trainedTrunks.stream().mapToDouble(Trunk::flops).sum();
    double saved = savedFlops();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Predicted branches (training.predict_branches: %d, curve law %s): %d trained, %d"
                + " predicted; %.3g FLOPs trained against %.3g with every branch trained: %.3g"
                + " saved (%.2fx the FLOPs)%n",
            wsd.predictBranches(),
            wsd.curveLaw().label(),
            trained().size(),
            predicted.size(),
            trainedFlops,
            trainedFlops + saved,
            saved,
            trainedFlops / (trainedFlops + saved)));
    for (Trunk trunk : Trunks.of(trials)) {
      StringBuilder points = new StringBuilder();
      for (Trial b : trunk.branches()) {
        points
            .append(points.isEmpty() ? "" : ", ")
            .append(b.tokens())
            .append(isPredicted(b) ? " predicted" : " trained");
      }
      sb.append(String.format(Locale.ROOT, "  trunk %s: %s%n", trunk.trunkId(), points));
    }
    return sb.toString();
  }

  /** The trials planned for IsoFLOP budget {@code c}, in plan order. */
  public List<Trial> ofBudget(double c) {
    return trials.stream().filter(t -> t.budget() != null && t.budget() == c).toList();
  }

  /** "7" when every budget has that many models (distinct N), else "7/6/7". */
  private String modelCounts(IsoflopSpec iso) {
    List<Long> counts =
        iso.budgets().stream()
            .map(c -> ofBudget(c).stream().map(Trial::nParams).distinct().count())
            .toList();
    return counts.stream().distinct().count() == 1
        ? String.valueOf(counts.get(0))
        : String.join("/", counts.stream().map(String::valueOf).toList());
  }
}
