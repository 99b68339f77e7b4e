package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RefreshGateTest {
  @Test
  void waitMs_isTheLargerOfTheMinimumGapAndFourTimesTheLastCall() {
    RefreshGate gate = new RefreshGate(2_000);
    assertEquals(0, gate.waitMs(1_000), "the first call may start at once");

    gate.ran(1_000, 1_100); // 100 ms: the minimum gap (2 s) rules
    assertEquals(2_000, gate.waitMs(1_100));
    assertEquals(500, gate.waitMs(2_600));
    assertEquals(0, gate.waitMs(3_100));

    gate.ran(3_100, 4_100); // 1 s: four times that (4 s) rules
    assertEquals(4_000, gate.waitMs(4_100));
    assertEquals(1_000, gate.waitMs(7_100));
    assertEquals(0, gate.waitMs(8_100));
    assertEquals(2, gate.runs());
  }
}
