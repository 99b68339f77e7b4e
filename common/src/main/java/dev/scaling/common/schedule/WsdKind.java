package dev.scaling.common.schedule;

import dev.scaling.common.spec.CooldownShape;
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
 * unless {@code min_lr_fraction} says otherwise; and its runs fork off one trunk per model.
 */
public final class WsdKind implements ScheduleKind {

  @Override
  public String name() {
    return WsdSchedule.NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("warmup_tokens", "cooldown_fraction", "cooldown_shape");
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
    return new WsdSpec(
        n.longValue("warmup_tokens", null),
        n.doubleValue("cooldown_fraction", WsdSpec.DEFAULT_COOLDOWN_FRACTION),
        CooldownShape.parse(
            n.path("cooldown_shape"),
            n.string("cooldown_shape", CooldownShape.ONE_MINUS_SQRT.label())));
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
