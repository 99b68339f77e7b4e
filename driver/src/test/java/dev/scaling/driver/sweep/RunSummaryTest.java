package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RunSummary#trials}: every row of a small sweep, a bounded summary of a large one. */
class RunSummaryTest {
  @Test
  void trials_summarisesALargeSweepByStatusExtremesAndUnfinished() {
    // 10 widths x 5 depths x 6 token counts x 5 seeds = 1500: every 250th failed (6), every
    // 400th diverged (3).
    List<TrialOutcome> all = ScaleOutcomes.ladder(6, 5);
    assertEquals(1500, all.size());
    String text = RunSummary.trials(all);
    assertTrue(text.contains("1500, by status {diverged=3, failed=6, finished=1491}"), text);
    List<TrialOutcome> finished =
        all.stream()
            .filter(o -> o.result().status() == TrialStatus.FINISHED)
            .sorted(Comparator.comparingDouble(o -> o.result().finalEvalLoss()))
            .toList();
    List<String> listed =
        all.stream().map(o -> o.trial().trialId()).filter(text::contains).toList();
    // 5 lowest, 5 highest and the 9 unfinished; the bits-per-byte lines need text trials.
    assertEquals(19, listed.size(), text);
    for (int i = 0; i < 5; i++) {
      assertTrue(text.contains(finished.get(i).trial().trialId()), "lowest " + i);
      assertTrue(text.contains(finished.get(1490 - i).trial().trialId()), "highest " + i);
    }
    all.stream()
        .filter(o -> o.result().status() != TrialStatus.FINISHED)
        .forEach(o -> assertTrue(text.contains(o.trial().trialId()), o.trial().trialId()));
    assertTrue(text.contains("Not finished (all of 9, in plan order)"), text);
    assertTrue(text.lines().count() < 40, text);
  }

  @Test
  void trials_listsTheFirstTwentyUnfinishedOfMany() {
    // 10 widths x 5 depths x 20 token counts x 10 seeds: 40 failed, 25 diverged, 5 of them both
    // multiples (a failure wins): 40 + 20.
    List<TrialOutcome> all = ScaleOutcomes.ladder(20, 10);
    String text = RunSummary.trials(all);
    assertTrue(text.contains("Not finished (the first 20 of 60, in plan order)"), text);
    List<TrialOutcome> unfinished =
        all.stream().filter(o -> o.result().status() != TrialStatus.FINISHED).toList();
    for (int i = 0; i < 60; i++) {
      assertEquals(i < 20, text.contains(unfinished.get(i).trial().trialId()), "unfinished " + i);
    }
  }

  @Test
  void trials_printsEveryRowOfASmallSweep() {
    List<TrialOutcome> all = ScaleOutcomes.ladder(1, 1);
    assertEquals(50, all.size());
    String text = RunSummary.trials(all);
    for (TrialOutcome o : all) {
      assertTrue(text.contains(o.trial().trialId()), o.trial().trialId());
    }
  }
}
