package dev.scaling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.scaling.worker.Engines;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static final float[] GRAD = {0.5f, -1f, 2f};

  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  /** Fills {@code weight}'s gradient with {@code GRAD} by back-propagating sum(weight * GRAD). */
  private static NDArray[] backward(NDManager manager, NDArray weight) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try (NDManager step = manager.newSubManager()) {
      NDArray loss = weight.mul(step.create(GRAD)).sum();
      JniUtils.backward((PtNDArray) loss, (PtNDArray) step.ones(loss.getShape()), false, false);
    } finally {
      JniUtils.setGradMode(false);
    }
    JniUtils.setGradMode(previous);
    return new NDArray[] {weight.getGradient()};
  }

  private static NDArray weight(NDManager manager) {
    NDArray w = manager.create(new float[] {1f, 2f, 3f});
    w.setRequiresGradient(true);
    return w;
  }

  @Test
  void update_matchesTextbookAdamOverTwoSteps() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      NDArray w = weight(manager);
      AdamState state = AdamState.zerosLike(List.of(w));
      double lr = 0.1;
      double[] expected = {1, 2, 3};
      double[] m = new double[3];
      double[] v = new double[3];
      for (int t = 1; t <= 2; t++) {
        Adam.update(List.of(w), backward(manager, w), (float) lr, state);
        for (int i = 0; i < 3; i++) {
          m[i] = 0.9 * m[i] + 0.1 * GRAD[i];
          v[i] = 0.999 * v[i] + 0.001 * GRAD[i] * GRAD[i];
          double mHat = m[i] / (1 - Math.pow(0.9, t));
          double vHat = v[i] / (1 - Math.pow(0.999, t));
          expected[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
        }
        assertEquals(t, state.steps());
        float[] actual = w.toFloatArray();
        for (int i = 0; i < 3; i++) {
          assertEquals(expected[i], actual[i], 1e-6, "weight " + i + " after step " + t);
        }
      }
      // With a constant gradient each step moves every weight by about lr against its gradient's
      // sign.
      assertEquals(0.8, expected[0], 1e-6);
      assertEquals(2.2, expected[1], 1e-6);
    }
  }

  @Test
  void update_scalesEachParameterByItsMultiplier() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      NDArray full = weight(manager);
      NDArray quarter = weight(manager);
      NDArray plain = weight(manager);
      AdamState state = AdamState.zerosLike(List.of(full, quarter));
      AdamState plainState = AdamState.zerosLike(List.of(plain));
      NDArray[] grads = {backward(manager, full)[0], backward(manager, quarter)[0]};
      Adam.update(List.of(full, quarter), grads, 0.1f, new float[] {1f, 0.25f}, state);
      Adam.update(List.of(plain), backward(manager, plain), 0.1f, plainState);
      // Adam's first step moves each weight by lr * g / (|g| + eps): 0.1 and 0.025 against the
      // gradient's sign (1 + 0.1 * -sign(0.5) = 0.9, 1 - 0.025 = 0.975).
      assertEquals(0.9, full.toFloatArray()[0], 1e-6);
      assertEquals(0.975, quarter.toFloatArray()[0], 1e-6);
      assertEquals(2.025, quarter.toFloatArray()[1], 1e-6);
      // a multiplier of 1 is exactly the update without multipliers
      assertArrayEquals(plain.toFloatArray(), full.toFloatArray());
    }
  }

  @Test
  void restore_continuesBitForBitLikeTheOriginalState() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      NDArray a = weight(manager);
      AdamState original = AdamState.zerosLike(List.of(a));
      for (int t = 0; t < 3; t++) {
        Adam.update(List.of(a), backward(manager, a), 0.05f, original);
      }
      AdamState.Saved saved = original.saved();
      assertEquals(3, saved.steps());

      NDArray b = weight(manager);
      b.set(a.toFloatArray());
      AdamState restored = AdamState.zerosLike(List.of(b));
      restored.restore(saved, manager);
      assertTrue(saved.sameAs(restored.saved()));

      for (int t = 0; t < 2; t++) {
        Adam.update(List.of(a), backward(manager, a), 0.05f, original);
        Adam.update(List.of(b), backward(manager, b), 0.05f, restored);
      }
      assertArrayEquals(a.toFloatArray(), b.toFloatArray());
      assertTrue(original.saved().sameAs(restored.saved()));
      assertEquals(5, restored.steps());
    }
  }
}
