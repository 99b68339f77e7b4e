package dev.scaling.driver.report;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import java.util.List;

/**
 * What the report knows of one trial beyond its (N, D, loss) row: its shape, optimiser settings and
 * evaluation noise, so charts can name them when a point is hovered and the shape study can group
 * trials by aspect ratio. A plain table given to {@code ./sweep fit} has none.
 *
 * @param trialId the trial's id
 * @param width model width
 * @param depth layers
 * @param nParams non-embedding parameters N
 * @param tokens training tokens D
 * @param learningRate peak learning rate
 * @param batchSize sequences per optimizer step
 * @param tokensPerStep tokens per optimizer step (batch size x context)
 * @param evalNoise standard error of the final held-out loss, NaN where not measured
 */
public record TrialFacts(
    String trialId,
    int width,
    int depth,
    double nParams,
    double tokens,
    double learningRate,
    int batchSize,
    long tokensPerStep,
    double evalNoise) {
  public TrialFacts {
    if (trialId == null || trialId.isBlank()) {
      throw new IllegalArgumentException("trial facts need a trial id, found " + trialId);
    }
    if (width <= 0 || depth <= 0 || batchSize <= 0 || tokensPerStep <= 0) {
      throw new IllegalArgumentException(
          "width, depth, batch size and tokens per step must be positive, found "
              + width
              + ", "
              + depth
              + ", "
              + batchSize
              + ", "
              + tokensPerStep
              + " for "
              + trialId);
    }
    if (!(nParams > 0) || !(tokens > 0) || !(learningRate > 0)) {
      throw new IllegalArgumentException(
          "N, D and the learning rate must be positive, found "
              + nParams
              + ", "
              + tokens
              + ", "
              + learningRate
              + " for "
              + trialId);
    }
  }

  /** Width over depth: the aspect ratio of Kaplan et al.'s shape study. */
  public double aspectRatio() {
    return width / (double) depth;
  }

  /** The facts of one trial and its result's evaluation noise. */
  public static TrialFacts of(TrialOutcome outcome) {
    Trial t = outcome.trial();
    Double noise = outcome.result().evalLossStderr();
    return new TrialFacts(
        t.trialId(),
        t.width(),
        t.depth(),
        t.nParams(),
        t.tokens(),
        t.training().learningRate(),
        t.training().batchSize(),
        t.tokensPerStep(),
        noise == null || !Double.isFinite(noise) ? Double.NaN : noise);
  }

  /** The facts of every trial among {@code outcomes}, in their order. */
  public static List<TrialFacts> of(List<TrialOutcome> outcomes) {
    return outcomes.stream().map(TrialFacts::of).toList();
  }
}
