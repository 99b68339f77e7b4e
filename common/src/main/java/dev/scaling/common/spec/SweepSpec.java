package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.schedule.Schedules;
import java.io.Serializable;

/**
 * A whole sweep as written in its YAML file: one name, one sweep seed, the data, the model family,
 * the grid and the training settings. Cross-field rules (width vs head size, tokens vs one batch of
 * the largest batch size, every batch size vs the microbatches) are checked here so no executor is
 * ever asked to run a trial that cannot work.
 */
public record SweepSpec(
    String name, long seed, DataSpec data, ModelSpec model, GridSpec grid, TrainingSpec training)
    implements Serializable {

  public SweepSpec {
    require(
        name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
        "name",
        "1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit)",
        name);
    require(data != null, "data", "present", null);
    require(model != null, "model", "present", null);
    require(grid != null, "grid", "present", null);
    require(training != null, "training", "present", null);
    for (int i = 0; i < grid.width().size(); i++) {
      int w = grid.width().get(i);
      require(
          w % model.headSize() == 0,
          "grid.width[" + i + "]",
          "a positive multiple of model.head_size (" + model.headSize() + ")",
          w);
    }
    int parts = training.microbatchCount();
    for (int i = 0; i < grid.batchSize().size(); i++) {
      require(
          grid.batchSize().get(i) % parts == 0,
          "grid.batch_size[" + i + "]",
          "a multiple of training.microbatches (" + parts + ")",
          grid.batchSize().get(i));
    }
    int largest = grid.largestBatchSize(training.batchSize());
    long oneBatch = (long) largest * model.context();
    String batch =
        grid.hasBatchAxis()
            ? "at least one batch of the largest batch size (the largest grid.batch_size x"
                + " model.context = "
                + largest
                + " x "
                + model.context()
                + " = "
                + oneBatch
                + ")"
            : "at least one batch (training.batch_size x model.context = " + oneBatch + ")";
    for (int i = 0; i < grid.tokens().size(); i++) {
      long d = grid.tokens().get(i);
      require(d >= oneBatch, "grid.tokens[" + i + "]", batch, d);
    }
    Schedules.kind(training.schedule()).checkGrid(training, grid);
  }
}
