package dev.scaling.driver.sweep;

import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test harness: the committed outcomes of a large ladder (widths x depths x token counts x seeds)
 * as the end of a run sees them, with final losses from a known Chinchilla law plus Gaussian noise
 * and a learning curve of {@link #CURVE_POINTS} points each; one trial in {@link #FAILED_EVERY}
 * failed and one in {@link #DIVERGED_EVERY} diverged. Deterministic for a given size.
 */
final class ScaleOutcomes {
  /** Points on each trial's learning curve. */
  static final int CURVE_POINTS = 20;

  /** Every so many trials one failed (no losses). */
  static final int FAILED_EVERY = 250;

  /** Every so many trials one diverged (losses kept, excluded from the fits). */
  static final int DIVERGED_EVERY = 400;

  /** The law the final losses follow: E, A, B, alpha, beta (Hoffmann et al.'s published fit). */
  static final double E = 1.69;

  static final double A = 406.4;
  static final double B = 410.7;
  static final double ALPHA = 0.34;
  static final double BETA = 0.28;

  /** Standard deviation of the evaluation noise added to each final loss, nats. */
  static final double NOISE = 0.01;

  static final int[] WIDTHS = {64, 128, 192, 256, 320, 384, 448, 512, 576, 640};
  static final int[] DEPTHS = {2, 3, 4, 6, 8};

  private static final DataSpec DATA =
      DataSpec.builder(DataSource.SYNTHETIC)
          .evalTokens(1024)
          .settings(SyntheticSpec.DEFAULT)
          .build();

  private ScaleOutcomes() {}

  /**
   * The {@code tokenCounts} token counts of the ladder: 2^20 doubling up, so a 10 000-trial ladder
   * is 10 widths x 5 depths x 20 token counts x 10 seeds.
   */
  static long[] tokens(int tokenCounts) {
    long[] out = new long[tokenCounts];
    for (int i = 0; i < tokenCounts; i++) {
      out[i] = Math.round(Math.pow(2, 20 + i * 0.5) / 1024) * 1024;
    }
    return out;
  }

  /** The ladder's outcomes: widths x depths x {@code tokenCounts} token counts x {@code seeds}. */
  static List<TrialOutcome> ladder(int tokenCounts, int seeds) {
    SplittableRandom random = new SplittableRandom(20250925L);
    List<TrialOutcome> out = new ArrayList<>();
    TrainingSpec training = new TrainingSpec(256, 1e-3, 0.05, 0.1, 1.0, 50);
    int i = 0;
    for (int width : WIDTHS) {
      for (int depth : DEPTHS) {
        for (long tokens : tokens(tokenCounts)) {
          for (int seed = 0; seed < seeds; seed++) {
            Trial t =
                ModelFamilies.trial(
                    "scale",
                    new TrialConfig(
                        42,
                        TransformerFamily.NAME,
                        width,
                        depth,
                        width / 64,
                        64,
                        tokens,
                        seed,
                        DATA,
                        training));
            i++;
            out.add(outcome(t, i, random));
          }
        }
      }
    }
    return out;
  }

  /** The law's loss at {@code n} parameters and {@code d} tokens. */
  static double law(double n, double d) {
    return E + A / Math.pow(n, ALPHA) + B / Math.pow(d, BETA);
  }

  private static TrialOutcome outcome(Trial t, int i, SplittableRandom random) {
    TrialStatus status =
        i % FAILED_EVERY == 0
            ? TrialStatus.FAILED
            : i % DIVERGED_EVERY == 0 ? TrialStatus.DIVERGED : TrialStatus.FINISHED;
    long steps = t.steps();
    List<CurvePoint> curve = new ArrayList<>(CURVE_POINTS);
    double last = Double.NaN;
    for (int k = 1; k <= CURVE_POINTS; k++) {
      long step = Math.max(1, steps * k / CURVE_POINTS);
      long seen = step * t.tokensPerStep();
      double loss = law(t.nParams(), seen) + NOISE * gaussian(random);
      curve.add(new CurvePoint(step, seen, 1e-3, loss + 0.02, loss));
      last = loss;
    }
    TrialResult.Builder r =
        TrialResult.builder(t.trialId(), status)
            .stepsDone(steps)
            .tokensTrained(t.tokens())
            .wallSeconds(t.flops() / 1e9)
            .tokensPerSecond(1e9 / (6.0 * t.nParams()))
            .device("cpu()")
            .evalLossStderr(NOISE)
            .entropyFloor(E);
    if (status == TrialStatus.FAILED) {
      r.finalTrainLoss(Double.NaN).finalEvalLoss(Double.NaN).error("stand-in failure " + i);
    } else {
      r.finalTrainLoss(last + 0.02).finalEvalLoss(last).curve(curve);
    }
    return new TrialOutcome(t, r.build(), "scale-run", "exec-" + (i % 64), "host", 1, null);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
