package dev.scaling.driver.plan;

import dev.scaling.common.schedule.WsdSchedule;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
   * Refuses a trial of a branching schedule that cannot be a branch: no step before its cooldown,
   * no cooldown step, or a warmup running into its cooldown.
   *
   * @throws SpecException naming the training key to change, the rule and the value
   */
  public static void check(List<Trial> trials) {
    for (Trial t : trials) {
      if (!t.training().schedule().equals(WsdSchedule.NAME)) {
        continue;
      }
      // From the schedule's own rules, before building it: a schedule that breaks them is a bug.
      double f = t.training().wsd().cooldownFraction();
      long forkStep = WsdSchedule.forkStep(t.steps(), f);
      long warmupSteps = WsdSchedule.warmupSteps(t.training().wsd(), t.tokensPerStep());
      String at =
          String.format(
              Locale.ROOT,
              " (tokens %d: %d steps of %d tokens, cooldown from step %d)",
              t.tokens(),
              t.steps(),
              t.tokensPerStep(),
              forkStep);
      if (forkStep < 1) {
        throw new SpecException(
            "training.cooldown_fraction",
            "small enough that every trial trains at least one step before its cooldown" + at,
            f);
      }
      if (t.steps() - forkStep < 1) {
        throw new SpecException(
            "training.cooldown_fraction",
            "large enough that every trial cools down for at least one step" + at,
            f);
      }
      if (warmupSteps > forkStep) {
        throw new SpecException(
            "training.warmup_tokens",
            "at most the tokens before the shortest trial's cooldown ("
                + forkStep * t.tokensPerStep()
                + at
                + ")",
            t.training().wsd().warmupTokens());
      }
    }
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
