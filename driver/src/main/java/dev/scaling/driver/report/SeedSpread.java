package dev.scaling.driver.report;

import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How far apart the final held-out losses of one grid point land under different seeds: the pooled
 * standard deviation over every grid point trained with two or more seeds. It is the noise a fit
 * actually sees in one trial's loss (run-to-run variation plus the evaluation noise, which it
 * contains), where the evaluation noise alone is only a lower bound; {@code ./sweep plan --power}
 * simulates with it when the run in {@code --out} has it, and the report prints it next to the
 * evaluation noise.
 *
 * @param sd pooled standard deviation of one trial's final loss between seeds, nats: sqrt(sum over
 *     points of the squared deviations from the point's mean / sum over points of (seeds - 1))
 * @param points grid points with two or more finished seeds
 * @param trials finished trials at those points
 */
public record SeedSpread(double sd, int points, int trials) {
  public SeedSpread {
    if (!(sd >= 0) || !Double.isFinite(sd) || points < 1 || trials < 2 * points) {
      throw new IllegalArgumentException(
          "a seed spread needs a finite sd >= 0 and at least one point with two trials, found sd "
              + sd
              + ", "
              + points
              + " points, "
              + trials
              + " trials");
    }
  }

  /**
   * The spread of the finished outcomes' final losses between seeds, grouping outcomes whose
   * configurations are equal but for the seed replica; empty when no grid point has two finished
   * seeds with a final loss.
   */
  public static Optional<SeedSpread> of(Collection<TrialOutcome> outcomes) {
    Map<TrialConfig, List<Double>> byPoint = new LinkedHashMap<>();
    for (TrialOutcome o : outcomes) {
      double loss = o.result().finalEvalLoss();
      if (o.result().status() != TrialStatus.FINISHED || !Double.isFinite(loss)) {
        continue;
      }
      byPoint.computeIfAbsent(withoutReplica(o.trial().config()), k -> new ArrayList<>()).add(loss);
    }
    double squares = 0;
    int degrees = 0;
    int points = 0;
    int trials = 0;
    for (List<Double> losses : byPoint.values()) {
      if (losses.size() < 2) {
        continue;
      }
      double mean = losses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      for (double l : losses) {
        squares += (l - mean) * (l - mean);
      }
      degrees += losses.size() - 1;
      points++;
      trials += losses.size();
    }
    return points == 0
        ? Optional.empty()
        : Optional.of(new SeedSpread(Math.sqrt(squares / degrees), points, trials));
  }

  /**
   * One sentence for the summary and the report, e.g. "seed spread: one grid point's final loss
   * varies by 0.0071 nats between seeds (pooled sd over 44 points with 2+ seeds, 88 trials), 2.4x
   * the evaluation noise; pass it to ./sweep plan --power as the noise of a trial".
   *
   * @param evalNoise the median evaluation noise, or null when unknown
   */
  public String sentence(Double evalNoise) {
    return String.format(
        Locale.ROOT,
        "seed spread: one grid point's final loss varies by %.4f nats between seeds (pooled sd over"
            + " %d points with 2+ seeds, %d trials)%s; ./sweep plan --power simulates with it",
        sd,
        points,
        trials,
        evalNoise == null || evalNoise <= 0
            ? ""
            : String.format(Locale.ROOT, ", %.1fx the evaluation noise", sd / evalNoise));
  }

  /** The configuration with its seed replica set to 0: equal for the seeds of one grid point. */
  private static TrialConfig withoutReplica(TrialConfig c) {
    return new TrialConfig(
        c.sweepSeed(),
        c.family(),
        c.width(),
        c.depth(),
        c.heads(),
        c.context(),
        c.tokens(),
        0,
        c.data(),
        c.training(),
        c.parametrization(),
        c.familySettings());
  }
}
