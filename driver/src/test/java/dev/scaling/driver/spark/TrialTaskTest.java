package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialTaskTest {

  static final TrialResult TEXT_RESULT =
      TrialResult.builder("t1", TrialStatus.FINISHED)
          .finalTrainLoss(2.5)
          .finalEvalLoss(2.75)
          .stepsDone(40)
          .tokensTrained(40_960)
          .wallSeconds(12.0)
          .tokensPerSecond(5000.0)
          .device("gpu(0)")
          .curve(List.of(new CurvePoint(40, 40_960, 1e-3, 2.5, 2.75)))
          .resumedFromStep(8)
          .evalTokensPerByte(0.3125)
          .epochs(1.5)
          .evalLossStderr(0.0125)
          .build();

  @Test
  void onDevice_cpuFallbackKeepsTheTextStatisticsAndStderr() {
    TrialResult moved = TrialTask.onDevice(TEXT_RESULT, Device.gpu(0), Device.cpu());

    assertEquals(
        "cpu() (spark gpu 0, CUDA unavailable: spark.sweep.gpu.allowCpuFallback)", moved.device());
    assertEquals(0.3125, moved.evalTokensPerByte());
    assertEquals(1.5, moved.epochs());
    assertEquals(0.0125, moved.evalLossStderr());
    assertEquals(8, moved.resumedFromStep());
    assertEquals(40_960, moved.tokensTrained());
    assertEquals(2.75, moved.finalEvalLoss());
    assertEquals(TEXT_RESULT.curve(), moved.curve());
  }

  @Test
  void onDevice_keepsTheResultOnTheAssignedDevice() {
    assertSame(TEXT_RESULT, TrialTask.onDevice(TEXT_RESULT, Device.gpu(0), Device.gpu(0)));
  }
}
