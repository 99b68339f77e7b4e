package dev.scaling.common.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialResultTest {

  /** Every field set to a value other than the builder's default. */
  static final TrialResult FULL =
      TrialResult.builder("t1", TrialStatus.FINISHED)
          .finalTrainLoss(2.5)
          .finalEvalLoss(2.75)
          .entropyFloor(1.25)
          .error("none")
          .stepsDone(40)
          .tokensTrained(40_960)
          .wallSeconds(12.0)
          .tokensPerSecond(5000.0)
          .device("gpu(0)")
          .curve(List.of(new CurvePoint(40, 40_960, 1e-3, 2.5, 2.75, 812.5)))
          .resumedFromStep(8)
          .evalTokensPerByte(0.3125)
          .epochs(1.5)
          .evalLossStderr(0.0125)
          .gradNoiseScale(812.5)
          .build();

  @Test
  void toBuilder_carriesEveryField() throws Exception {
    TrialResult defaults = TrialResult.builder("t2", TrialStatus.FAILED).build();
    for (RecordComponent c : TrialResult.class.getRecordComponents()) {
      // A field the builder above leaves at its default would pass the round trip unexamined.
      assertNotEquals(c.getAccessor().invoke(defaults), c.getAccessor().invoke(FULL), c.getName());
    }
    assertEquals(FULL, FULL.toBuilder().build());
  }

  @Test
  void withDevice_changesOnlyTheDevice() {
    TrialResult moved = FULL.withDevice("cpu()");
    assertEquals("cpu()", moved.device());
    assertEquals(FULL, moved.withDevice("gpu(0)"));
  }

  @Test
  void builder_defaultsLossesToNaNAndStatisticsToNull() {
    TrialResult failed = TrialResult.builder("t", TrialStatus.FAILED).error("boom").build();
    assertEquals(Double.NaN, failed.finalEvalLoss());
    assertEquals(0, failed.stepsDone());
    assertEquals(List.of(), failed.curve());
    assertEquals(null, failed.evalTokensPerByte());
  }

  @Test
  void bitsPerByte_isNatsTimesTokensPerByteOverLn2() {
    // 2.75 nats/token x 0.3125 tokens/byte = 0.859375 nats/byte = 1.2398 bits/byte
    assertEquals(0.859375 / 0.6931471805599453, FULL.bitsPerByte(2.75), 1e-12);
    assertEquals(Double.NaN, FULL.toBuilder().evalTokensPerByte(null).build().bitsPerByte(2.75));
  }

  @Test
  void builder_rejectsAFinishedTrialWithoutALoss() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TrialResult.builder("t", TrialStatus.FINISHED).build());
  }
}
