package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live accumulator as the executor's heartbeat thread sees it while a task deserializes. */
class LiveAccumulatorTest {

  @Test
  void heartbeat_readsAnAccumulatorWithoutItsBoardYetAsEmpty() throws Exception {
    LiveAccumulator acc = new LiveAccumulator();
    // AccumulatorV2.readObject registers the accumulator with its task before this class's field
    // is read back: the heartbeat thread may see the field unset. It threw there, which ended the
    // executor's heartbeats (and every live update) for the rest of the application.
    Field board = LiveAccumulator.class.getDeclaredField("board");
    board.setAccessible(true);
    board.set(acc, null);
    assertTrue(acc.isZero());
    assertEquals(LiveBoard.EMPTY, acc.value());
    assertTrue(acc.copy().isZero());
    acc.add(new LiveProgress("s", "t", 0, "e", "h", "cpu()", 3, 10, 3, 1, 1, 1, 0, 1, List.of()));
    assertEquals(3, acc.value().byId().get("t").stepsDone());
  }
}
