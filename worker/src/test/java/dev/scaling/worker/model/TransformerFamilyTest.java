package dev.scaling.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.scaling.common.trial.ModelShape;
import dev.scaling.common.trial.ParamCounts;
import dev.scaling.worker.Engines;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransformerFamilyTest {
  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  /**
   * The stated counts against the built block: the total against every trainable scalar DJL holds,
   * and Kaplan's N against the blocks' weight matrices (the 2-D parameters inside the layers: no
   * embeddings, output layer, biases or norms).
   */
  @Test
  void paramCounts_matchTheBuiltBlock() {
    List<ModelShape> shapes =
        List.of(
            new ModelShape(16, 16, 32, 1, 2),
            new ModelShape(64, 24, 48, 3, 4),
            new ModelShape(256, 20, 32, 1, 2),
            new ModelShape(7, 5, 24, 2, 3));
    TransformerFamily family = new TransformerFamily();
    for (ModelShape shape : shapes) {
      ParamCounts counts = family.paramCounts(shape);
      try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
        LanguageModel model = family.build(shape);
        model.initialize(manager, 3L);
        long total = 0;
        long blockMatrices = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
          long size = p.getValue().getArray().size();
          total += size;
          if (p.getKey().matches("\\d*layer\\d+_.*")
              && p.getValue().getArray().getShape().dimension() == 2) {
            blockMatrices += size;
          }
        }
        assertEquals(total, counts.total(), "total of " + shape);
        assertEquals(total, model.parameterCount(), "parameterCount of " + shape);
        assertEquals(blockMatrices, counts.nonEmbedding(), "non-embedding N of " + shape);
        // Kaplan's N written out: 12 depth width^2.
        assertEquals(
            12L * shape.depth() * shape.width() * shape.width(),
            counts.nonEmbedding(),
            "12 L w^2 of " + shape);
      }
    }
  }
}
