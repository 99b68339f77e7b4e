package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.live.LiveAccumulator;
import dev.scaling.driver.live.LiveProgress;
import org.junit.jupiter.api.Test;

/** A trunk segment's reporter: the trunk's whole length, its start, and the later segment wins. */
class LiveReporterTest {

  @Test
  void segment_reportsTheTrunksWholeLengthFromItsStartAndSupersedesTheSegmentBefore() {
    LiveAccumulator acc = new LiveAccumulator();
    LiveReporter first = LiveReporter.segment(acc, "s", "trunk", 300, 0, 100, 64, "cpu()");
    first.onSteps(100, 100 * 64);
    LiveProgress end = acc.value().byId().get("trunk");
    assertEquals(100, end.stepsDone());
    assertEquals(300, end.stepsPlanned());

    LiveAccumulator next = new LiveAccumulator();
    LiveReporter.segment(next, "s", "trunk", 300, 100, 200, 64, "cpu()");
    LiveProgress start = next.value().byId().get("trunk");
    assertEquals(100, start.stepsDone(), "a segment's first report is at its start, not 0");
    assertEquals(100 * 64, start.tokensDone());
    assertEquals(100, start.fromStep());
    assertEquals(200, start.stopStep());
    assertEquals(0.0, start.tokensPerSecond(), "no step of this segment yet");
    assertTrue(start.supersedes(end), "the next segment's start supersedes the last one's end");
    assertTrue(!end.supersedes(start));

    // On the driver both merge into one row: the later segment's.
    acc.merge(next);
    assertEquals(200, acc.value().byId().get("trunk").stopStep());
  }

  @Test
  void resume_movesTheStartOfTheWorkThisTaskDid() {
    LiveAccumulator acc = new LiveAccumulator();
    LiveReporter r = LiveReporter.of(acc, "s", "t", 500, 32, "cpu()");
    r.onResume(200);
    r.onSteps(250, 250 * 32);
    LiveProgress p = acc.value().byId().get("t");
    assertEquals(200, p.fromStep());
    assertEquals(500, p.stopStep());
    assertEquals(250 * 32, p.tokensDone());
  }
}
