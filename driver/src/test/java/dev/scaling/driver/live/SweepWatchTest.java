package dev.scaling.driver.live;

import static dev.scaling.driver.io.CommitLogTest.committed;
import static dev.scaling.driver.io.CommitLogTest.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.io.CommitIndex;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.CountingLocalFileSystem;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch's reads of OUT/commits and its refresh rate, on a clock the test moves. */
class SweepWatchTest {
  @Test
  void sync_readsTheSucceededTrialsListsEveryThirtySecondsAndRefreshesAtABoundedRate(
      @TempDir Path dir) throws Exception {
    Plan plan =
        Planner.plan(
            SpecParser.parse(
                """
        name: w
        seed: 1
        data: {source: synthetic}
        model: {context: 16, head_size: 16}
        grid: {width: [16], depth: [1], tokens: [4096], seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]}
        training: {batch_size: 8, learning_rate: 3.0e-3}
        """));
    List<Trial> trials = plan.trials();
    CommitLog log = committed(dir, trials.subList(0, 10));
    CommitIndex index = log.index();
    index.load();
    long[] now = {0};
    List<Integer> refreshed = new ArrayList<>();
    SweepWatch.Refresh hook =
        committed -> {
          refreshed.add(committed.size());
          now[0] += 1_000; // a refresh of 1 s: the next waits 4 s
          return null;
        };
    Set<String> planned = new HashSet<>();
    trials.forEach(t -> planned.add(t.trialId()));
    SweepModel model = new SweepModel(plan, index.outcomes().values(), "10s", 0, 4);
    SweepWatch watch = new SweepWatch(null, model, planned, index, hook, false, () -> now[0]);
    try {
      // Three tasks succeed: their commits are read, nothing is listed, the report refreshes.
      for (int i = 10; i < 13; i++) {
        log.commit(outcome(trials.get(i), i));
      }
      CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
      watch.succeeded(ids(trials, 10, 13));
      watch.sync(false);
      CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);
      assertEquals(0, made.listings());
      assertEquals(3, made.opens());
      assertEquals(List.of(13), refreshed);

      // At 3 s: trial 13 was committed by the driver (no task event), trial 14 by its task. Only
      // 14 is read, and the refresh waits (the last one took 1 s: not before 1 + 4 = 5 s).
      log.commit(outcome(trials.get(13), 13));
      log.commit(outcome(trials.get(14), 14));
      now[0] = 3_000;
      before = CountingLocalFileSystem.counts();
      watch.succeeded(ids(trials, 14, 15));
      watch.sync(false);
      made = CountingLocalFileSystem.counts().since(before);
      assertEquals(0, made.listings());
      assertEquals(1, made.opens());
      assertTrue(model.isCommitted(trials.get(14).trialId()));
      assertFalse(model.isCommitted(trials.get(13).trialId()));
      assertEquals(List.of(13), refreshed);

      // At 31 s a listing is due: it finds trial 13 (one open), and the refresh runs.
      before = CountingLocalFileSystem.counts();
      now[0] = 31_000;
      watch.sync(false);
      made = CountingLocalFileSystem.counts().since(before);
      assertEquals(1, made.listings());
      assertEquals(1, made.opens());
      assertTrue(model.isCommitted(trials.get(13).trialId()));
      assertEquals(List.of(13, 15), refreshed);
    } finally {
      CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
      watch.close();
      CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);
      assertEquals(1, made.listings(), "a last listing at close");
      assertEquals(0, made.opens());
    }
    assertEquals(List.of(13, 15), refreshed, "no refresh at close: the final fit follows");
    assertEquals(15, model.outcomes().size());
  }

  private static List<String> ids(List<Trial> trials, int from, int to) {
    return trials.subList(from, to).stream().map(Trial::trialId).toList();
  }
}
