package dev.scaling.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.scaling.worker.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecoderModelTest {
  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  private static float[] logits(DecoderModel model, NDManager manager, long[] tokens) {
    try (NDManager step = manager.newSubManager()) {
      NDArray in = step.create(tokens, new Shape(1, tokens.length));
      NDArray out =
          model.forward(new ParameterStore(step, false), new NDList(in), false).singletonOrThrow();
      assertEquals(new Shape(1, tokens.length, model.vocab()), out.getShape());
      return out.toFloatArray();
    }
  }

  @Test
  void model_isCausal() {
    int vocab = 16;
    int context = 12;
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      DecoderModel model = new DecoderModel(vocab, context, 32, 2, 4);
      model.initialize(manager, 11L);
      long[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
      int j = 7;
      long[] changed = tokens.clone();
      changed[j] = (tokens[j] + 5) % vocab;
      float[] a = logits(model, manager, tokens);
      float[] b = logits(model, manager, changed);
      double before = 0;
      for (int i = 0; i < j * vocab; i++) {
        before = Math.max(before, Math.abs(a[i] - b[i]));
      }
      double at = 0;
      for (int i = j * vocab; i < (j + 1) * vocab; i++) {
        at = Math.max(at, Math.abs(a[i] - b[i]));
      }
      assertTrue(before <= 1e-6, "positions before " + j + " changed by " + before);
      assertTrue(at > 1e-4, "position " + j + " did not react to its own token (" + at + ")");
      // A shorter window gives the same logits as the prefix of a full one.
      float[] prefix = logits(model, manager, java.util.Arrays.copyOf(tokens, 5));
      for (int i = 0; i < prefix.length; i++) {
        assertEquals(a[i], prefix[i], 1e-5);
      }
    }
  }

  @Test
  void model_initialisationDependsOnlyOnTheSeed() {
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      List<float[]> first = parameters(manager, 5L);
      List<float[]> second = parameters(manager, 5L);
      List<float[]> other = parameters(manager, 6L);
      for (int i = 0; i < first.size(); i++) {
        assertArrayEquals(first.get(i), second.get(i));
      }
      assertTrue(first.get(0)[0] != other.get(0)[0]);
    }
  }

  private static List<float[]> parameters(NDManager manager, long seed) {
    DecoderModel model = new DecoderModel(16, 8, 32, 1, 2);
    model.initialize(manager, seed);
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> entry : model.getParameters()) {
      values.add(entry.getValue().getArray().toFloatArray());
    }
    return values;
  }
}
