package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.WsdSchedule;

/**
 * The settings of the warmup-stable-decay schedule ({@code training.schedule: wsd}): a warmup
 * measured in tokens (so it is the same for every token count D of a model, which is what lets the
 * runs of one model share a trunk), a constant peak, and a cooldown over the last {@code
 * cooldownFraction} of each run's steps. {@link dev.scaling.common.schedule.WsdKind} parses it; the
 * trial id walks it as {@code training.wsd.*}.
 *
 * <p>Predicted branches: with {@code predictBranches} K, each trunk trains only K of its cooldown
 * branches and a whole learning-curve law ({@code curveLaw}) fitted per model predicts the final
 * loss of the others. These two settings decide which points are trained, never what a trained
 * point computes, so the configuration walk (trial ids, spec diffs) lists this record through
 * {@link #walkForm()}, without them: a predicted point keeps the trial id it has when trained, and
 * a spec that sets neither keeps every id it had.
 *
 * @param warmupTokens tokens of linear warmup ({@code training.warmup_tokens}), at least 0
 * @param cooldownFraction share of each run's steps spent cooling down ({@code
 *     training.cooldown_fraction}), in (0, 1)
 * @param cooldownShape how the cooldown falls ({@code training.cooldown_shape})
 * @param predictBranches cooldown branches trained per trunk ({@code training.predict_branches}),
 *     at least {@link #MIN_PREDICT_BRANCHES}; null: every branch is trained
 * @param curveLaw the curve law whose predictions fill the other branches ({@code
 *     training.curve_law}); null exactly when {@code predictBranches} is null
 */
public record WsdSpec(
    long warmupTokens,
    double cooldownFraction,
    CooldownShape cooldownShape,
    Integer predictBranches,
    CurveLawForm curveLaw)
    implements ScheduleSettings, WalkForm {
  /** Default {@code training.cooldown_fraction}: Hägele et al.'s 20%, which matches cosine. */
  public static final double DEFAULT_COOLDOWN_FRACTION = 0.2;

  /**
   * Fewest branches a trunk may train when the others are predicted: the first and the last, so the
   * law sees the shortest and the longest cooldown and predicts between them.
   */
  public static final int MIN_PREDICT_BRANCHES = 2;

  /** {@code training.curve_law} when predicting and none is given. */
  public static final CurveLawForm DEFAULT_CURVE_LAW = CurveLawForm.MPL;

  public WsdSpec {
    require(warmupTokens >= 0, "training.warmup_tokens", ">= 0", warmupTokens);
    require(
        cooldownFraction > 0 && cooldownFraction < 1,
        "training.cooldown_fraction",
        "in (0, 1)",
        cooldownFraction);
    require(
        cooldownShape != null, "training.cooldown_shape", "one of " + CooldownShape.labels(), null);
    require(
        predictBranches == null || predictBranches >= MIN_PREDICT_BRANCHES,
        "training.predict_branches",
        "a whole number >= "
            + MIN_PREDICT_BRANCHES
            + " (the first and the last branch of each trunk are always trained)",
        predictBranches);
    require(
        curveLaw == null || predictBranches != null,
        "training.curve_law",
        "absent unless training.predict_branches is given (the law predicts the branches not"
            + " trained)",
        curveLaw == null ? null : curveLaw.label());
    if (predictBranches != null && curveLaw == null) {
      curveLaw = DEFAULT_CURVE_LAW;
    }
  }

  /** Every branch trained: the settings a wsd spec had before branches could be predicted. */
  public WsdSpec(long warmupTokens, double cooldownFraction, CooldownShape cooldownShape) {
    this(warmupTokens, cooldownFraction, cooldownShape, null, null);
  }

  /** Whether some branches of each trunk are predicted instead of trained. */
  public boolean predicts() {
    return predictBranches != null;
  }

  /** These settings with every branch trained: what one trial computes (its configuration). */
  public WsdSpec withoutPrediction() {
    return predicts() ? new WsdSpec(warmupTokens, cooldownFraction, cooldownShape) : this;
  }

  /** The schedule's name, {@code wsd}: the walk lists these settings as {@code training.wsd.*}. */
  @Override
  public String walkKey() {
    return WsdSchedule.NAME;
  }

  /**
   * The leaves trial ids and spec diffs see: the three settings that shape the learning rate, in
   * their order, without the prediction settings (which pick the trained points, not what they
   * compute).
   */
  @Override
  public Record walkForm() {
    return new Trained(warmupTokens, cooldownFraction, cooldownShape);
  }

  /**
   * The walk form: the settings a trained run follows.
   *
   * @param warmupTokens tokens of linear warmup
   * @param cooldownFraction share of the steps cooling down
   * @param cooldownShape how the cooldown falls
   */
  record Trained(long warmupTokens, double cooldownFraction, CooldownShape cooldownShape) {}
}
