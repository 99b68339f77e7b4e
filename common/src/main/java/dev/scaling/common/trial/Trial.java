package dev.scaling.common.trial;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.TrainingSpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One grid point of a sweep: everything a worker needs to train and evaluate one model, and nothing
 * Spark- or DJL-specific. The {@link #trialId()} is a hash of the whole {@link TrialConfig}, walked
 * mechanically, so the same configuration always has the same id across runs (which is what resume
 * and de-duplication key on) and two configurations never share one.
 *
 * <p>Not part of the id, by design: the id itself; {@code sweepName}, because renaming a sweep does
 * not change what any of its trials computes; and {@code vocab} and {@code params}, because the
 * data source and the model family derive them from the configuration (equal configurations have
 * equal counts); and {@code budget}, a label for grouping an IsoFLOP plan's trials (what the trial
 * computes is its configuration, whose tokens the budget already set; the planner refuses two
 * budgets that would plan one configuration twice).
 *
 * @param trialId stable id, see {@link #idOf}
 * @param sweepName the sweep this trial belongs to (not part of the id)
 * @param config what the trial computes (the whole of it is hashed into the id)
 * @param vocab the vocabulary of the data source's tokenizer (not part of the id: derived from the
 *     data)
 * @param params the model family's parameter counts for {@code config} (not part of the id:
 *     derived)
 * @param budget the nominal training FLOPs (6ND) of the IsoFLOP budget the planner aimed this trial
 *     at ({@code grid.isoflop.budgets}); null for a trial of a full grid (not part of the id)
 */
public record Trial(
    String trialId,
    String sweepName,
    TrialConfig config,
    int vocab,
    ParamCounts params,
    Double budget)
    implements Serializable {

  /**
   * Version of the id's canonical text. v1 (until 2026-12) hashed a hand-written list of fields; v2
   * hashes the {@link ConfigWalk} of the whole configuration, the model family included, so every
   * id changed with it. v3 (2026-12-02): the data spec gained the text keys (text column,
   * vocabulary size, tokenizer file, epochs, cache) and a folder corpus is split by whole
   * documents, so a trial of v2 may compute something else under the same configuration; every id
   * changed again.
   */
  public static final String ID_SCHEME = "v3";

  public Trial {
    require(
        config != null && params != null,
        "trial",
        "complete (a configuration and parameter counts; a commit written before trial-id scheme "
            + ID_SCHEME
            + " has neither, so its OUT folder cannot be resumed: use a new --out)",
        null);
    require(vocab > 0, "vocab", "positive", vocab);
    require(
        budget == null || (Double.isFinite(budget) && budget > 0),
        "budget",
        "a positive number of FLOPs or absent",
        budget);
    String expected = idOf(config);
    require(
        expected.equals(trialId),
        "trial_id",
        "the hash of the trial's configuration under id scheme "
            + ID_SCHEME
            + " ("
            + expected
            + ")",
        trialId);
  }

  /** Builds a trial of a full grid (no budget), computing its id. */
  public static Trial of(String sweepName, TrialConfig config, int vocab, ParamCounts params) {
    return new Trial(idOf(config), sweepName, config, vocab, params, null);
  }

  /** This trial as a point of the IsoFLOP budget {@code budget} (same id). */
  public Trial withBudget(double budget) {
    return new Trial(trialId, sweepName, config, vocab, params, budget);
  }

  /**
   * First 16 hex digits of SHA-256 over {@link #ID_SCHEME} and the {@link ConfigWalk#canonical
   * canonical text} of the whole configuration.
   */
  public static String idOf(TrialConfig config) {
    return sha256Prefix(ID_SCHEME + "\n" + ConfigWalk.canonical(config));
  }

  private static String sha256Prefix(String canonical) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new InvariantViolation("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The sweep's seed. */
  public long sweepSeed() {
    return config.sweepSeed();
  }

  /** The model family ({@code model.family}). */
  public String family() {
    return config.family();
  }

  /** Model width (d_model). */
  public int width() {
    return config.width();
  }

  /** Blocks. */
  public int depth() {
    return config.depth();
  }

  /** Attention heads. */
  public int heads() {
    return config.heads();
  }

  /** Tokens per window. */
  public int context() {
    return config.context();
  }

  /** How the model scales with width ({@code model.parametrization}); null for standard. */
  public ParametrizationSpec parametrization() {
    return config.parametrization();
  }

  /** Training tokens D as written in the grid. */
  public long tokens() {
    return config.tokens();
  }

  /** The grid's replica seed. */
  public int replica() {
    return config.replica();
  }

  /** The sweep's data. */
  public DataSpec data() {
    return config.data();
  }

  /** The trial's optimisation settings. */
  public TrainingSpec training() {
    return config.training();
  }

  /** What the model family needs to build this trial's model. */
  public ModelShape shape() {
    return config.shape(vocab);
  }

  /** Kaplan's N, non-embedding parameters, as the model family counts them. */
  public long nParams() {
    return params.nonEmbedding();
  }

  /** Every trainable parameter of the worker's model, as the model family counts them. */
  public long nParamsTotal() {
    return params.total();
  }

  /** Optimizer steps: whole batches of {@code batch_size x context} tokens that fit in D. */
  public long steps() {
    return tokens() / tokensPerStep();
  }

  /** Training tokens per optimizer step: batch size x context. */
  public long tokensPerStep() {
    return (long) training().batchSize() * context();
  }

  /** The learning-rate schedule this trial follows over its {@link #steps()}. */
  public LearningRateSchedule schedule() {
    return Schedules.create(training(), steps(), tokensPerStep());
  }

  /**
   * The step at which this trial branches off its trunk (its schedule's {@link
   * LearningRateSchedule#forkStep()}), 0 when its schedule does not branch (cosine).
   */
  public long forkStep() {
    return schedule().forkStep();
  }

  /** Whether this trial is a branch of a trunk shared by the trials that differ only in D. */
  public boolean branched() {
    return forkStep() > 0;
  }

  /**
   * The id of the trunk this trial branches off: a hash of its configuration without {@code
   * tokens}, so the trials of one model, learning rate and replica that differ only in D share it;
   * null when the trial does not branch.
   */
  public String trunkId() {
    return branched() ? trunkIdOf(config) : null;
  }

  /**
   * First 16 hex digits of SHA-256 over {@code trunk/}{@link #ID_SCHEME} and the canonical text of
   * {@code config} less its {@code tokens} leaf.
   */
  public static String trunkIdOf(TrialConfig config) {
    StringBuilder canonical = new StringBuilder("trunk/" + ID_SCHEME + "\n");
    for (ConfigWalk.Leaf leaf : ConfigWalk.leaves(config)) {
      if (!leaf.path().equals("tokens")) {
        canonical.append(leaf.path()).append('=').append(leaf.canonicalValue()).append('\n');
      }
    }
    return sha256Prefix(canonical.toString());
  }

  /** Tokens actually trained on: steps x batch x context (at most one batch less than D). */
  public long tokensTrained() {
    return steps() * training().batchSize() * context();
  }

  /** Estimated training cost, 6 N D FLOPs (Kaplan et al. 2020). */
  public double flops() {
    return 6.0 * nParams() * tokens();
  }

  /** Tokens per non-embedding parameter, D / N. */
  public double tokensPerParam() {
    return (double) tokens() / nParams();
  }

  /**
   * Seed of this trial's model initialisation, derived from the sweep seed and the trial id; for a
   * branched trial from its trunk id instead, so every branch of a trunk (and the trunk) starts
   * from the same weights.
   */
  public long seed() {
    String trunk = trunkId();
    return Seeds.derive(sweepSeed(), trunk != null ? "init/trunk/" + trunk : "init/" + trialId);
  }

  /**
   * Seed of the training data stream. It depends on the sweep seed and the replica only, so every
   * model of a replica sees the same data in the same order (common random numbers across the
   * grid).
   */
  public long dataSeed() {
    return Seeds.derive(sweepSeed(), "data/" + replica());
  }

  /** Seed of the held-out evaluation windows: the same for every trial of the sweep. */
  public long evalSeed() {
    return Seeds.derive(sweepSeed(), "eval");
  }

  /** Seed of the synthetic language's structure: one language per sweep. */
  public long languageSeed() {
    return Seeds.derive(sweepSeed(), "language");
  }
}
