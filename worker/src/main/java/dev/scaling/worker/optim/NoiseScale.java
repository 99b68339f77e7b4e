package dev.scaling.worker.optim;

import dev.scaling.common.spec.InvariantViolation;

/**
 * McCandlish et al.'s (2018) simple gradient noise scale B_simple = tr(Sigma) / |G|^2, measured
 * from two batch sizes at once: the squared norm of a small batch's mean gradient and of a big
 * batch's. Since E|G_B|^2 = |G|^2 + tr(Sigma) / B, each step gives unbiased estimates of |G|^2 and
 * tr(Sigma) ({@link #gradNormSquared}, {@link #trace}); both are noisy, so each is smoothed with an
 * exponential moving average (decay {@link #DECAY}) and the noise scale is the ratio of the two
 * averages, not an average of ratios. Pure arithmetic on doubles: the trainer feeds it the norms.
 *
 * <p>The averages start at 0 without bias correction: the correction factor (1 - DECAY^t) is the
 * same for both and cancels in their ratio. The batch sizes are in whatever unit the caller chooses
 * (the trainer uses tokens, Kaplan et al.'s unit), and the noise scale comes out in it.
 */
public final class NoiseScale {
  /** Decay of both exponential moving averages per update. */
  public static final double DECAY = 0.99;

  private final double smallBatch;
  private final double bigBatch;
  private double emaGradNormSquared;
  private double emaTrace;
  private long updates;

  /**
   * A fresh estimator (no update yet).
   *
   * @param smallBatch examples (tokens) averaged into the small batch's gradient
   * @param bigBatch examples (tokens) averaged into the big batch's gradient, more than {@code
   *     smallBatch}
   */
  public NoiseScale(long smallBatch, long bigBatch) {
    InvariantViolation.check(
        smallBatch > 0 && bigBatch > smallBatch,
        "a noise scale needs 0 < small batch < big batch, found "
            + smallBatch
            + " and "
            + bigBatch);
    this.smallBatch = smallBatch;
    this.bigBatch = bigBatch;
  }

  /**
   * The estimator of a trainer that splits each batch of {@code batchSize} sequences of {@code
   * context} tokens into {@code microbatches} equal parts: small batch one microbatch, big batch
   * the whole, both in tokens.
   */
  public static NoiseScale ofMicrobatches(int batchSize, int microbatches, int context) {
    InvariantViolation.check(
        microbatches >= 2 && batchSize % microbatches == 0,
        "a noise scale needs 2 or more microbatches dividing the batch, found "
            + microbatches
            + " of "
            + batchSize);
    return new NoiseScale(
        (long) batchSize / microbatches * context, (long) batchSize * (long) context);
  }

  /**
   * The unbiased estimate of |G|^2 from one pair of norms: (B_big |G_big|^2 - B_small |G_small|^2)
   * / (B_big - B_small).
   */
  public static double gradNormSquared(
      double smallBatch, double bigBatch, double smallNormSquared, double bigNormSquared) {
    return (bigBatch * bigNormSquared - smallBatch * smallNormSquared) / (bigBatch - smallBatch);
  }

  /**
   * The unbiased estimate of tr(Sigma) from one pair of norms: (|G_small|^2 - |G_big|^2) /
   * (1/B_small - 1/B_big).
   */
  public static double trace(
      double smallBatch, double bigBatch, double smallNormSquared, double bigNormSquared) {
    return (smallNormSquared - bigNormSquared) / (1.0 / smallBatch - 1.0 / bigBatch);
  }

  /**
   * Adds one step's norms to both averages; a pair with a non-finite norm is left out (the step's
   * gradients overflowed, and one such pair would poison the averages for good).
   *
   * @param smallNormSquared squared L2 norm of the small batch's mean gradient
   * @param bigNormSquared squared L2 norm of the big batch's mean gradient (the same step)
   */
  public void update(double smallNormSquared, double bigNormSquared) {
    if (!Double.isFinite(smallNormSquared) || !Double.isFinite(bigNormSquared)) {
      return;
    }
    double g2 = gradNormSquared(smallBatch, bigBatch, smallNormSquared, bigNormSquared);
    double tr = trace(smallBatch, bigBatch, smallNormSquared, bigNormSquared);
    emaGradNormSquared = DECAY * emaGradNormSquared + (1 - DECAY) * g2;
    emaTrace = DECAY * emaTrace + (1 - DECAY) * tr;
    updates++;
  }

  /**
   * The noise scale now, ema(tr Sigma) / ema(|G|^2), in the unit of the batch sizes; null before
   * the first update and while ema(|G|^2) is not positive (the gradient is lost in the noise).
   */
  public Double value() {
    if (updates == 0 || !(emaGradNormSquared > 0)) {
      return null;
    }
    return emaTrace / emaGradNormSquared;
  }

  /** The averages and update count, for a checkpoint. */
  public State state() {
    return new State(emaGradNormSquared, emaTrace, updates);
  }

  /** Continues from a checkpoint's {@link #state()}: later updates give the same bits. */
  public void restore(State saved) {
    emaGradNormSquared = saved.emaGradNormSquared();
    emaTrace = saved.emaTrace();
    updates = saved.updates();
  }

  /**
   * What a checkpoint keeps of a {@link NoiseScale}.
   *
   * @param emaGradNormSquared the moving average of the |G|^2 estimates
   * @param emaTrace the moving average of the tr(Sigma) estimates
   * @param updates steps averaged so far
   */
  public record State(double emaGradNormSquared, double emaTrace, long updates) {
    public State {
      InvariantViolation.check(updates >= 0, "noise-scale updates must be >= 0, found " + updates);
    }
  }
}
