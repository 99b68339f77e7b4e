package dev.scaling.worker;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.scaling.worker.data.TrialData;
import java.util.Arrays;

/**
 * The held-out loss of a trial's model: mean cross-entropy (nats/token) over every evaluation
 * window of its data, in batches of {@value #EVAL_BATCH} windows, without autograd. The windows are
 * the same at every evaluation, so points of one learning curve are comparable.
 */
final class Evaluator {
  /** Evaluation windows per forward pass. */
  static final int EVAL_BATCH = 32;

  private final ModelLoss loss;
  private final TrialData data;
  private final NDManager manager;
  private final int context;
  private final long[] inputs;
  private final long[] labels;

  Evaluator(ModelLoss loss, TrialData data, NDManager manager, int context) {
    this.loss = loss;
    this.data = data;
    this.manager = manager;
    this.context = context;
    this.inputs = new long[EVAL_BATCH * context];
    this.labels = new long[EVAL_BATCH * context];
  }

  /**
   * A held-out evaluation: the mean cross-entropy over every eval window and its standard error.
   *
   * @param loss mean nats per token over the windows (each window counts alike)
   * @param stderr the standard error of that mean from the spread of the window means (sample
   *     standard deviation / sqrt(windows)); NaN with a single window. It measures how much the
   *     finite held-out set alone moves the loss.
   */
  record HeldOut(double loss, double stderr) {}

  /** Mean held-out cross-entropy over every eval window. */
  double heldOutLoss() {
    return heldOut().loss();
  }

  /** The held-out loss and its standard error over the eval windows. */
  HeldOut heldOut() {
    JniUtils.setGradMode(false);
    int windows = data.evalWindows();
    double sum = 0;
    double squares = 0;
    for (int first = 0; first < windows; first += EVAL_BATCH) {
      int count = Math.min(EVAL_BATCH, windows - first);
      data.evalBatch(first, count, inputs, labels);
      try (NDManager step = manager.newSubManager()) {
        Shape shape = new Shape(count, context);
        long[] in = count == EVAL_BATCH ? inputs : Arrays.copyOf(inputs, count * context);
        long[] out = count == EVAL_BATCH ? labels : Arrays.copyOf(labels, count * context);
        float[] perWindow =
            loss.windowCrossEntropy(step.create(in, shape), step.create(out, shape)).toFloatArray();
        for (float w : perWindow) {
          sum += w;
          squares += (double) w * w;
        }
      }
    }
    double mean = sum / windows;
    if (windows < 2) {
      return new HeldOut(mean, Double.NaN);
    }
    double variance = Math.max(0, (squares - windows * mean * mean) / (windows - 1));
    return new HeldOut(mean, Math.sqrt(variance / windows));
  }
}
