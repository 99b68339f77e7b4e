package dev.scaling.common.trial;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.TrainingSpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One grid point of a sweep: everything a worker needs to train and evaluate one model, and nothing
 * Spark- or DJL-specific. The {@link #trialId()} is a hash of the full configuration, so the same
 * configuration always has the same id across runs (which is what resume and de-duplication key on).
 *
 * @param trialId stable id, see {@link #idOf}
 * @param sweepName the sweep this trial belongs to (not part of the id)
 * @param sweepSeed the one seed of the sweep; all of this trial's seeds derive from it
 * @param width model width (d_model)
 * @param depth transformer blocks
 * @param heads attention heads (width / head size)
 * @param context tokens per window
 * @param tokens training tokens D as written in the grid
 * @param replica the grid's replica seed
 * @param data the sweep's data
 * @param training the sweep's optimisation settings
 */
public record Trial(
    String trialId,
    String sweepName,
    long sweepSeed,
    int width,
    int depth,
    int heads,
    int context,
    long tokens,
    int replica,
    DataSpec data,
    TrainingSpec training)
    implements Serializable {

  public Trial {
    require(width > 0, "width", "positive", width);
    require(depth > 0, "depth", "positive", depth);
    require(heads > 0 && width % heads == 0, "width", "a positive multiple of heads (" + heads + ")", width);
    require(context > 0, "context", "positive", context);
    require(data != null && training != null, "trial", "complete (data and training present)", null);
    require(
        tokens >= (long) training.batchSize() * context,
        "tokens",
        "at least one batch (" + (long) training.batchSize() * context + ")",
        tokens);
    String expected = idOf(sweepSeed, width, depth, heads, context, tokens, replica, data, training);
    require(expected.equals(trialId), "trial_id", "the hash of the trial's config (" + expected + ")", trialId);
  }

  /** Builds a trial, computing its id. */
  public static Trial of(
      String sweepName,
      long sweepSeed,
      int width,
      int depth,
      int heads,
      int context,
      long tokens,
      int replica,
      DataSpec data,
      TrainingSpec training) {
    return new Trial(
        idOf(sweepSeed, width, depth, heads, context, tokens, replica, data, training),
        sweepName,
        sweepSeed,
        width,
        depth,
        heads,
        context,
        tokens,
        replica,
        data,
        training);
  }

  /** First 16 hex digits of SHA-256 over a canonical text of every field that changes the result. */
  public static String idOf(
      long sweepSeed,
      int width,
      int depth,
      int heads,
      int context,
      long tokens,
      int replica,
      DataSpec data,
      TrainingSpec training) {
    String canonical =
        String.join(
            "|",
            "v1",
            "seed=" + sweepSeed,
            "width=" + width,
            "depth=" + depth,
            "heads=" + heads,
            "context=" + context,
            "tokens=" + tokens,
            "replica=" + replica,
            "data=" + data.source().yamlName() + "," + data.path() + "," + data.tokenizer() + ","
                + data.validationFraction() + "," + data.evalTokens() + "," + data.synthetic().vocab()
                + "," + data.synthetic().order() + "," + data.synthetic().branching() + ","
                + data.synthetic().zipf(),
            "training=" + training.batchSize() + "," + training.learningRate() + ","
                + training.warmupFraction() + "," + training.minLrFraction() + "," + training.gradClip()
                + "," + training.evalInterval());
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Vocabulary size of the model (from the data's tokenizer). */
  public int vocab() {
    return data.vocabSize();
  }

  /** Kaplan's N: non-embedding parameters, 12 * depth * width^2. */
  public long nParams() {
    return 12L * depth * width * width;
  }

  /**
   * Every trainable parameter of the worker's model: token and position embeddings, per block
   * (2 LayerNorms, fused QKV, output projection, 4x MLP, all with biases) = 12w^2 + 13w, final
   * LayerNorm, and the untied output projection with bias.
   */
  public long nParamsTotal() {
    long w = width;
    long v = vocab();
    return v * w + (long) context * w + depth * (12 * w * w + 13 * w) + 2 * w + w * v + v;
  }

  /** Optimizer steps: whole batches of {@code batch_size x context} tokens that fit in D. */
  public long steps() {
    return tokens / ((long) training.batchSize() * context);
  }

  /** Tokens actually trained on: steps x batch x context (at most one batch less than D). */
  public long tokensTrained() {
    return steps() * training.batchSize() * context;
  }

  /** Estimated training cost, 6 N D FLOPs (Kaplan et al. 2020). */
  public double flops() {
    return 6.0 * nParams() * tokens;
  }

  /** Tokens per non-embedding parameter, D / N. */
  public double tokensPerParam() {
    return (double) tokens / nParams();
  }

  /** Seed of this trial's model initialisation, derived from the sweep seed and the trial id. */
  public long seed() {
    return Seeds.derive(sweepSeed, "init/" + trialId);
  }

  /**
   * Seed of the training data stream. It depends on the sweep seed and the replica only, so every model
   * of a replica sees the same data in the same order (common random numbers across the grid).
   */
  public long dataSeed() {
    return Seeds.derive(sweepSeed, "data/" + replica);
  }

  /** Seed of the held-out evaluation windows: the same for every trial of the sweep. */
  public long evalSeed() {
    return Seeds.derive(sweepSeed, "eval");
  }

  /** Seed of the synthetic language's structure: one language per sweep. */
  public long languageSeed() {
    return Seeds.derive(sweepSeed, "language");
  }
}
