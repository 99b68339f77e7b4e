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
      new TrialResult(
          "t1",
          TrialStatus.FINISHED,
          2.5,
          2.75,
          null,
          null,
          40,
          40_960,
          12.0,
          5000.0,
          "gpu(0)",
          List.of(new CurvePoint(40, 40_960, 1e-3, 2.5, 2.75)),
          8,
          0.3125,
          1.5,
          0.0125);

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
