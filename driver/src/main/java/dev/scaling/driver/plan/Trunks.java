package dev.scaling.driver.plan;

import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Groups a plan's branched trials into {@link Trunk}s, checks that each can branch, and describes
 * them for the plan printed before training. Trials whose schedule does not branch (cosine) belong
 * to no trunk.
 */
public final class Trunks {
  private Trunks() {}

  /** The trunks of {@code trials}, in the order of their first trial. */
  public static List<Trunk> of(List<Trial> trials) {
    Map<String, List<Trial>> byTrunk = new LinkedHashMap<>();
    for (Trial t : trials) {
      if (t.branched()) {
        byTrunk.computeIfAbsent(t.trunkId(), k -> new ArrayList<>()).add(t);
      }
    }
    List<Trunk> trunks = new ArrayList<>();
    byTrunk.forEach((id, branches) -> trunks.add(new Trunk(id, branches)));
    return trunks;
  }

  /**
   * Refuses a trial of a forking schedule that cannot be a branch (for wsd: no step before its
   * cooldown, no cooldown step, or a warmup running into its cooldown), by its schedule kind's
   * {@link ScheduleKind#checkRun} rules.
   *
   * @throws SpecException naming the training key to change, the rule and the value
   */
  public static void check(List<Trial> trials) {
    for (Trial t : trials) {
      ScheduleKind kind = Schedules.kind(t.training().schedule());
      if (kind.forks()) {
        kind.checkRun(t.training(), t.tokens(), t.steps(), t.tokensPerStep());
      }
    }
  }

  /**
   * Which of a trunk's {@code n} branches (sorted by token count) train when {@code k} of them do:
   * the indices round(i (n - 1) / (k - 1)) for i = 0..k-1, the first, the last and evenly between
   * (every index when {@code k >= n}).
   *
   * @param n branches of the trunk, at least 1
   * @param k branches to train, at least 2
   */
  public static Set<Integer> trainedIndices(int n, int k) {
    if (n < 1 || k < 2) {
      throw new IllegalArgumentException(
          "a trunk needs n >= 1 branches and k >= 2 trained, found n=" + n + ", k=" + k);
    }
    Set<Integer> kept = new TreeSet<>();
    if (k >= n) {
      for (int i = 0; i < n; i++) {
        kept.add(i);
      }
      return kept;
    }
    for (int i = 0; i < k; i++) {
      kept.add((int) Math.round((double) i * (n - 1) / (k - 1)));
    }
    return kept;
  }

  /**
   * FLOPs of {@code trunks} (trunks to their last fork plus every cooldown) over the same branches
   * trained as independent runs.
   */
  public static double flopsRatio(List<Trunk> trunks) {
    return trunks.stream().mapToDouble(Trunk::flops).sum()
        / trunks.stream().mapToDouble(Trunk::independentFlops).sum();
  }

  /**
   * The trunks section of the plan: per trunk its model, forks and FLOPs, and the sweep's FLOPs
   * against the same grid trained as independent runs.
   */
  public static String describe(List<Trunk> trunks) {
    StringBuilder sb = new StringBuilder();
    double flops = trunks.stream().mapToDouble(Trunk::flops).sum();
    double independent = trunks.stream().mapToDouble(Trunk::independentFlops).sum();
    sb.append(
        String.format(
            Locale.ROOT,
            "Branched cooldowns: %d trunk(s), %d branches; %.3g FLOPs against %.3g as independent"
                + " runs (%.2fx)%n",
            trunks.size(),
            trunks.stream().mapToInt(t -> t.branches().size()).sum(),
            flops,
            independent,
            flops / independent));
    for (Trunk trunk : trunks) {
      Trial l = trunk.longest();
      StringBuilder forks = new StringBuilder();
      for (Trial b : trunk.branches()) {
        forks.append(
            String.format(
                Locale.ROOT,
                "%s%d (D=%d, +%d)",
                forks.isEmpty() ? "" : ", ",
                b.forkStep(),
                b.tokens(),
                b.steps() - b.forkStep()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "  trunk %s width %d depth %d lr %.3g seed %d: %d steps, forks at step %s; %.2fx%n",
              trunk.trunkId(),
              l.width(),
              l.depth(),
              l.training().learningRate(),
              l.replica(),
              trunk.lastFork(),
              forks,
              trunk.flops() / trunk.independentFlops()));
    }
    return sb.toString();
  }
}
