package dev.scaling.common.schedule;

import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.GridSpec;
import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;
import java.util.Locale;
import java.util.Set;

/**
 * The warmup-stable-decay kind, {@code training.schedule: wsd}: its settings ({@link WsdSpec}) are
 * the flat keys {@code training.warmup_tokens}, {@code training.cooldown_fraction} and {@code
 * training.cooldown_shape}; it warms up by tokens, not by {@code warmup_fraction}; it decays to 0
 * unless {@code min_lr_fraction} says otherwise; and its runs fork off one trunk per model. With
 * {@code training.predict_branches} (and optionally {@code training.curve_law}) each trunk trains
 * only some of its branches and a curve law predicts the others.
 */
public final class WsdKind implements ScheduleKind {

  @Override
  public String name() {
    return WsdSchedule.NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of(
        "warmup_tokens", "cooldown_fraction", "cooldown_shape", "predict_branches", "curve_law");
  }

  @Override
  public Class<WsdSpec> settingsType() {
    return WsdSpec.class;
  }

  @Override
  public WsdSpec parse(SpecBlock n) {
    if (n.has("warmup_fraction")) {
      throw new SpecException(
          n.path("warmup_fraction"),
          "absent with schedule wsd (a warmup that depends on D would give every D its own"
              + " trunk: give training.warmup_tokens instead)",
          n.map().get("warmup_fraction"));
    }
    if (!n.has("warmup_tokens")) {
      throw new SpecException(
          n.path("warmup_tokens"),
          "present with schedule wsd (tokens of linear warmup, the same for every D, e.g."
              + " 16384)",
          null);
    }
    Integer predict = n.has("predict_branches") ? n.intValue("predict_branches", null) : null;
    CurveLawForm law =
        n.has("curve_law")
            ? CurveLawForm.parse(n.path("curve_law"), n.string("curve_law", null))
            : null;
    return new WsdSpec(
        n.longValue("warmup_tokens", null),
        n.doubleValue("cooldown_fraction", WsdSpec.DEFAULT_COOLDOWN_FRACTION),
        CooldownShape.parse(
            n.path("cooldown_shape"),
            n.string("cooldown_shape", CooldownShape.ONE_MINUS_SQRT.label())),
        predict,
        law);
  }

  /**
   * Refuses {@code training.predict_branches} above the token counts of a model (each trunk has one
   * branch per token count, and that many would train every one), and with an IsoFLOP grid, whose
   * models each have their own, few token counts.
   */
  @Override
  public void checkGrid(TrainingSpec training, GridSpec grid) {
    WsdSpec wsd = training.settings(WsdSpec.class);
    if (!wsd.predicts()) {
      return;
    }
    if (grid.isoflop() != null) {
      throw new SpecException(
          "training.predict_branches",
          "absent with grid.isoflop (each budget gives a model its own few token counts; predict"
              + " branches on a grid.tokens sweep)",
          wsd.predictBranches());
    }
    int n = grid.tokens().size();
    if (wsd.predictBranches() > n) {
      throw new SpecException(
          "training.predict_branches",
          "at most the number of token counts in grid.tokens (" + n + ")",
          wsd.predictBranches());
    }
  }

  @Override
  public boolean warmsUpByFraction() {
    return false;
  }

  @Override
  public double defaultMinLrFraction() {
    return 0.0;
  }

  @Override
  public boolean forks() {
    return true;
  }

  /**
   * Refuses a run that cannot be a branch: no step before its cooldown, no cooldown step, or a
   * warmup running into its cooldown (from the schedule's own rules, before building it: a schedule
   * that breaks them is a bug).
   */
  @Override
  public void checkRun(TrainingSpec training, long tokens, long steps, long tokensPerStep) {
    WsdSpec wsd = training.settings(WsdSpec.class);
    double f = wsd.cooldownFraction();
    long forkStep = WsdSchedule.forkStep(steps, f);
    long warmupSteps = WsdSchedule.warmupSteps(wsd, tokensPerStep);
    String at =
        String.format(
            Locale.ROOT,
            " (tokens %d: %d steps of %d tokens, cooldown from step %d)",
            tokens,
            steps,
            tokensPerStep,
            forkStep);
    if (forkStep < 1) {
      throw new SpecException(
          "training.cooldown_fraction",
          "small enough that every trial trains at least one step before its cooldown" + at,
          f);
    }
    if (steps - forkStep < 1) {
      throw new SpecException(
          "training.cooldown_fraction",
          "large enough that every trial cools down for at least one step" + at,
          f);
    }
    if (warmupSteps > forkStep) {
      throw new SpecException(
          "training.warmup_tokens",
          "at most the tokens before the shortest trial's cooldown ("
              + forkStep * tokensPerStep
              + at
              + ")",
          wsd.warmupTokens());
    }
  }

  @Override
  public LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep) {
    return WsdSchedule.forTraining(training, steps, tokensPerStep);
  }
}
