package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.WsdSchedule;

/**
 * The settings of the warmup-stable-decay schedule ({@code training.schedule: wsd}): a warmup
 * measured in tokens (so it is the same for every token count D of a model, which is what lets the
 * runs of one model share a trunk), a constant peak, and a cooldown over the last {@code
 * cooldownFraction} of each run's steps. {@link dev.scaling.common.schedule.WsdKind} parses it; the
 * trial id walks it as {@code training.wsd.*}.
 *
 * @param warmupTokens tokens of linear warmup ({@code training.warmup_tokens}), at least 0
 * @param cooldownFraction share of each run's steps spent cooling down ({@code
 *     training.cooldown_fraction}), in (0, 1)
 * @param cooldownShape how the cooldown falls ({@code training.cooldown_shape})
 */
public record WsdSpec(long warmupTokens, double cooldownFraction, CooldownShape cooldownShape)
    implements ScheduleSettings {
  /** Default {@code training.cooldown_fraction}: Hägele et al.'s 20%, which matches cosine. */
  public static final double DEFAULT_COOLDOWN_FRACTION = 0.2;

  public WsdSpec {
    require(warmupTokens >= 0, "training.warmup_tokens", ">= 0", warmupTokens);
    require(
        cooldownFraction > 0 && cooldownFraction < 1,
        "training.cooldown_fraction",
        "in (0, 1)",
        cooldownFraction);
    require(
        cooldownShape != null, "training.cooldown_shape", "one of " + CooldownShape.labels(), null);
  }

  /** The schedule's name, {@code wsd}: the walk lists these settings as {@code training.wsd.*}. */
  @Override
  public String walkKey() {
    return WsdSchedule.NAME;
  }
}
