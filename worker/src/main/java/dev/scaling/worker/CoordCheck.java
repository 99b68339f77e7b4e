package dev.scaling.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.data.TrialData;
import dev.scaling.worker.model.LanguageModel;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.optim.Adam;
import dev.scaling.worker.optim.AdamState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The coordinate check of muP (Yang et al. 2022; microsoft/mup's {@code coord_check}): a model
 * takes a few Adam steps at its trial's learning rate (constant, no schedule, no clipping) on one
 * fixed batch of its data, and the root mean square of its activations (the embedding output, each
 * block's residual stream and the logits) is recorded before each step. Under a parametrization
 * that transfers across width, these scales stay flat as the width grows; under the standard one
 * they grow with it. Runs in the calling thread on the CPU; no Spark.
 */
public final class CoordCheck {
  private CoordCheck() {}

  /**
   * The activation scales of one model after {@code step} updates.
   *
   * @param width the model's width
   * @param step updates applied before the measurement (0: at initialisation)
   * @param embedding RMS of the embedding output (token plus position)
   * @param blocks RMS of each block's output (the residual stream), first block first
   * @param logits RMS of the logits
   */
  public record Sample(int width, int step, double embedding, List<Double> blocks, double logits) {
    public Sample {
      blocks = List.copyOf(blocks);
    }

    /** RMS of the last block's output. */
    public double lastBlock() {
      return blocks.get(blocks.size() - 1);
    }
  }

  /**
   * Measures {@code trial}'s model at steps 0 to {@code steps}.
   *
   * @param trial the model, its parametrization, its data (the first training batch is the fixed
   *     batch) and its learning rate
   * @param steps Adam updates to take
   * @param hadoopConf resolves text corpora; null is fine for synthetic data
   * @return one sample per step, step 0 first
   * @throws UncheckedIOException when the data cannot be read
   */
  public static List<Sample> run(Trial trial, int steps, Configuration hadoopConf) {
    InvariantViolation.check(steps >= 0, "coordinate check of " + steps + " steps");
    TrialData data;
    try {
      data = TrialData.forTrial(trial, hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("trial " + trial.trialId() + ": " + e.getMessage(), e);
    }
    int batch = trial.training().batchSize();
    int context = trial.context();
    long[] inputs = new long[batch * context];
    long[] labels = new long[batch * context];
    data.nextTrainBatch(inputs, labels);
    Shape shape = new Shape(batch, context);
    float lr = (float) trial.training().learningRate();
    Engines.pytorch();
    Engines.applyThreadsToCurrentThread();
    boolean previousGradMode = JniUtils.isGradMode();
    List<Sample> out = new ArrayList<>(steps + 1);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Engines.ENGINE)) {
      JniUtils.setGradMode(false);
      LanguageModel model = ModelFamilies.build(trial);
      model.initialize(manager, trial.seed());
      ParameterStore store = new ParameterStore(manager, false);
      ModelLoss loss = new ModelLoss(model, store);
      List<NDArray> weights = new ArrayList<>();
      List<Float> multipliers = new ArrayList<>();
      for (Pair<String, Parameter> entry : model.getParameters()) {
        weights.add(entry.getValue().getArray());
        multipliers.add((float) model.learningRateMultiplier(entry.getKey()));
      }
      float[] lrMultipliers = new float[multipliers.size()];
      for (int i = 0; i < lrMultipliers.length; i++) {
        lrMultipliers[i] = multipliers.get(i);
      }
      AdamState adam = AdamState.zerosLike(weights);
      for (int step = 0; step <= steps; step++) {
        try (NDManager sub = manager.newSubManager()) {
          NDArray in = sub.create(inputs, shape);
          NDList trace = model.trace(store, in);
          List<Double> blocks = new ArrayList<>();
          for (int i = 1; i < trace.size() - 1; i++) {
            blocks.add(rms(trace.get(i)));
          }
          out.add(
              new Sample(
                  trial.width(),
                  step,
                  rms(trace.get(0)),
                  blocks,
                  rms(trace.get(trace.size() - 1))));
          if (step < steps) {
            JniUtils.setGradMode(true);
            NDArray value = loss.crossEntropy(in, sub.create(labels, shape), true);
            JniUtils.backward((PtNDArray) value, (PtNDArray) sub.ones(new Shape()), false, false);
            JniUtils.setGradMode(false);
            NDArray[] grads = new NDArray[weights.size()];
            for (int i = 0; i < grads.length; i++) {
              grads[i] = weights.get(i).getGradient();
              grads[i].attach(sub);
            }
            Adam.update(weights, grads, lr, lrMultipliers, adam);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(previousGradMode);
    }
    return out;
  }

  private static double rms(NDArray x) {
    return Math.sqrt(x.square().mean().getFloat());
  }
}
