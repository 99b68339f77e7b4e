package dev.scaling.common.trial;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.model.ModelFamilySettings;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.ModelSpec;
import dev.scaling.common.spec.OmitWhenNull;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.TrainingSpec;
import java.io.Serializable;

/**
 * Everything that decides what one trial computes: the configuration its {@link Trial#trialId() id}
 * hashes, every component and every nested field of it (see {@link ConfigWalk}). A field added here
 * or to any record below it changes the id without further edits.
 *
 * @param sweepSeed the one seed of the sweep; all of the trial's seeds derive from it
 * @param family the model family ({@code model.family}), e.g. {@code transformer}
 * @param width model width (d_model)
 * @param depth blocks
 * @param heads attention heads (width / head size)
 * @param context tokens per window
 * @param tokens training tokens D as written in the grid
 * @param replica the grid's replica seed
 * @param data the sweep's data
 * @param training the trial's optimisation settings (the grid's learning rate already applied)
 * @param parametrization how the model's initialisation and learning rates scale with width, its
 *     name and own settings; null for the standard parametrization (no leaf in the walk, so ids of
 *     standard trials are as they were before the field existed)
 * @param familySettings the model family's own settings ({@link ModelSpec#familySettings()}),
 *     walked under the family's name; null for a family without settings (the transformer), adding
 *     no leaf
 */
public record TrialConfig(
    long sweepSeed,
    String family,
    int width,
    int depth,
    int heads,
    int context,
    long tokens,
    int replica,
    DataSpec data,
    TrainingSpec training,
    @OmitWhenNull ParametrizationSpec parametrization,
    @OmitWhenNull ModelFamilySettings familySettings)
    implements Serializable {

  /** A trial configuration of a family without settings of its own. */
  public TrialConfig(
      long sweepSeed,
      String family,
      int width,
      int depth,
      int heads,
      int context,
      long tokens,
      int replica,
      DataSpec data,
      TrainingSpec training,
      ParametrizationSpec parametrization) {
    this(
        sweepSeed,
        family,
        width,
        depth,
        heads,
        context,
        tokens,
        replica,
        data,
        training,
        parametrization,
        null);
  }

  /** A trial configuration under the standard parametrization. */
  public TrialConfig(
      long sweepSeed,
      String family,
      int width,
      int depth,
      int heads,
      int context,
      long tokens,
      int replica,
      DataSpec data,
      TrainingSpec training) {
    this(
        sweepSeed, family, width, depth, heads, context, tokens, replica, data, training, null,
        null);
  }

  public TrialConfig {
    require(family != null && !family.isBlank(), "model.family", "a model family name", family);
    require(width > 0, "width", "positive", width);
    require(depth > 0, "depth", "positive", depth);
    require(
        heads > 0 && width % heads == 0,
        "width",
        "a positive multiple of heads (" + heads + ")",
        width);
    require(context > 0, "context", "positive", context);
    require(
        data != null && training != null, "trial", "complete (data and training present)", null);
    require(
        tokens >= (long) training.batchSize() * context,
        "tokens",
        "at least one batch (" + (long) training.batchSize() * context + ")",
        tokens);
    parametrization = ModelSpec.standardAsNull(parametrization);
  }

  /** This configuration with the optimisation settings {@code other} (a new trial id). */
  public TrialConfig withTraining(TrainingSpec other) {
    return new TrialConfig(
        sweepSeed,
        family,
        width,
        depth,
        heads,
        context,
        tokens,
        replica,
        data,
        other,
        parametrization,
        familySettings);
  }

  /** This configuration on the data {@code other} (a new trial id). */
  public TrialConfig withData(DataSpec other) {
    return new TrialConfig(
        sweepSeed,
        family,
        width,
        depth,
        heads,
        context,
        tokens,
        replica,
        other,
        training,
        parametrization,
        familySettings);
  }

  /** This configuration trained on {@code count} tokens (a new trial id). */
  public TrialConfig withTokens(long count) {
    return new TrialConfig(
        sweepSeed,
        family,
        width,
        depth,
        heads,
        context,
        count,
        replica,
        data,
        training,
        parametrization,
        familySettings);
  }

  /**
   * What the model family needs to build this trial's model and count its parameters.
   *
   * @param vocab the vocabulary of the data source's tokenizer (the worker's data registry knows
   *     it; {@code common} does not)
   */
  public ModelShape shape(int vocab) {
    return new ModelShape(vocab, context, width, depth, heads);
  }
}
