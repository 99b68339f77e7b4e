package dev.scaling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scaling.worker.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GlobalNormClipTest {
  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  @Test
  void apply_scalesAllGradientsToTheMaxNormTogether() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      // Global norm sqrt(3^2 + 4^2 + 12^2) = 13; clipping to 6.5 halves every gradient (up to the
      // 1e-6).
      NDArray[] grads = {manager.create(new float[] {3f, 4f}), manager.create(new float[] {12f})};
      GlobalNormClip.apply(grads, 6.5);
      double factor = 6.5 / (13 + 1e-6);
      assertArrayEquals(
          new float[] {(float) (3 * factor), (float) (4 * factor)}, grads[0].toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {(float) (12 * factor)}, grads[1].toFloatArray(), 1e-6f);
    }
  }

  @Test
  void apply_leavesSmallGradientsAndZeroMaxNormAlone() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      NDArray[] grads = {manager.create(new float[] {3f, 4f})};
      GlobalNormClip.apply(grads, 5.5);
      assertArrayEquals(new float[] {3f, 4f}, grads[0].toFloatArray());
      GlobalNormClip.apply(grads, 0);
      assertArrayEquals(new float[] {3f, 4f}, grads[0].toFloatArray());
    }
  }
}
