package dev.scaling.driver.live;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic sweep of 10 000 trials (10 widths x 10 depths x 10 token counts x 10 seeds) in a
 * known state, for the Sweep page at scale: trial i is committed when {@code i % 10 < 6} (failed
 * when {@code i % 97 == 0}, diverged when {@code i % 89 == 0}, else finished, each with a 100-point
 * curve), running with a 120-point live curve for the first {@code running} of the others, planned
 * otherwise.
 */
final class ScaleFixture {
  static final Plan PLAN =
      Planner.plan(
          SpecParser.parse(
              """
              name: scale
              seed: 1
              data: {source: synthetic}
              model: {context: 16, head_size: 16}
              grid:
                width: [16, 32, 48, 64, 80, 96, 112, 128, 144, 160]
                depth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
                tokens: [6400, 12800, 19200, 25600, 32000, 38400, 44800, 51200, 57600, 64000]
                seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
              training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
              """));

  private ScaleFixture() {}

  static boolean committed(int i) {
    return i % 10 < 6;
  }

  static TrialStatus status(int i) {
    return i % 97 == 0
        ? TrialStatus.FAILED
        : i % 89 == 0 ? TrialStatus.DIVERGED : TrialStatus.FINISHED;
  }

  /** The held-out loss trial i commits: distinct per trial, so a sort by it is unambiguous. */
  static double evalLoss(int i) {
    return 2.0 + ((i * 7919L) % 10_000) / 10_000.0;
  }

  /** The model with trials committed and {@code running} trials running. */
  static SweepModel model(int running) {
    List<Trial> trials = PLAN.trials();
    long now = System.currentTimeMillis();
    SweepModel m = new SweepModel(PLAN, List.of(), "10s", now - 60_000, 256);
    int started = 0;
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      if (committed(i)) {
        m.committed(outcome(t, status(i), evalLoss(i)));
      } else if (started < running) {
        started++;
        long steps = t.steps() / 2;
        List<LivePoint> recent = new ArrayList<>();
        for (int k = 1; k <= 120; k++) {
          long step = Math.max(1, steps * k / 120);
          recent.add(
              new LivePoint(
                  step, step * t.tokensPerStep(), 3.0 - k / 100.0, k % 10 == 0 ? 2.9 : Double.NaN));
          if (recent.size() == LiveProgress.RECENT_POINTS || k == 120) {
            m.report(report(t, step, now - 1000 + k, recent), now + k);
            recent = new ArrayList<>();
          }
        }
      }
    }
    return m;
  }

  static LiveProgress report(Trial t, long step, long at, List<LivePoint> recent) {
    return new LiveProgress(
        "scale",
        t.trialId(),
        0,
        "exec-" + (t.trialId().hashCode() & 63),
        "host-a",
        "gpu(0)",
        step,
        t.steps(),
        step * t.tokensPerStep(),
        2.5,
        2.6,
        5000,
        0,
        at,
        recent);
  }

  static TrialOutcome outcome(Trial t, TrialStatus status, double eval) {
    List<CurvePoint> curve = new ArrayList<>();
    for (int k = 1; k <= 100; k++) {
      long step = Math.max(1, t.steps() * k / 100);
      curve.add(
          new CurvePoint(
              step,
              step * t.tokensPerStep(),
              1e-3,
              eval + 1.0 / k,
              k % 10 == 0 ? eval : Double.NaN,
              null));
    }
    return new TrialOutcome(
        t,
        TrialResult.builder(t.trialId(), status)
            .finalTrainLoss(eval + 0.01)
            .finalEvalLoss(eval)
            .stepsDone(t.steps())
            .tokensTrained(t.tokensTrained())
            .wallSeconds(12.5)
            .tokensPerSecond(1000)
            .device("gpu(0)")
            .curve(curve)
            .build(),
        "run",
        "exec-2",
        "host-b",
        0,
        null);
  }
}
