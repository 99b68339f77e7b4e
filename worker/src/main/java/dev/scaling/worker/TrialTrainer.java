package dev.scaling.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.data.TrialData;
import dev.scaling.worker.model.DecoderModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Trains and evaluates one trial with its own loop on DJL's PyTorch engine: a per-thread autograd pass
 * (no {@code GradientCollector}, whose JVM-wide flag forbids concurrent trainings), global-norm clipping,
 * Adam with warmup and cosine decay, and periodic held-out evaluation. Several trainers may run at once
 * on different threads of one JVM; each trial's numbers depend only on its own seeds.
 */
public final class TrialTrainer {
  /** Steps between two {@link StepListener} calls (the last step always reports). */
  public static final int LISTENER_INTERVAL = 10;

  private static final int EVAL_BATCH = 32;

  private final Configuration hadoopConf;

  /**
   * @param hadoopConf resolves text corpora on Hadoop file systems; may be null for synthetic data
   */
  public TrialTrainer(Configuration hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  /**
   * Trains {@code trial} to its last step on {@code device}.
   *
   * @param trial what to train
   * @param device where to train, e.g. {@code Device.cpu()}
   * @param listener progress callback, {@link StepListener#NONE} for none
   * @return a FINISHED result, or DIVERGED (with the step in {@code error}) once a loss is NaN or
   *     infinite
   * @throws UncheckedIOException when the trial's data cannot be read
   * @throws RuntimeException on any other failure (bad data, engine errors)
   */
  public TrialResult train(Trial trial, Device device, StepListener listener) {
    long startNanos = System.nanoTime();
    StepListener progress = listener == null ? StepListener.NONE : listener;
    TrialData data;
    try {
      data = TrialData.forTrial(trial, hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("trial " + trial.trialId() + ": " + e.getMessage(), e);
    }
    Engines.pytorch();
    Engines.applyThreadsToCurrentThread();
    boolean previousGradMode = JniUtils.isGradMode();
    try (NDManager manager = NDManager.newBaseManager(device, Engines.ENGINE)) {
      return new Run(trial, device, data, progress, manager, startNanos).execute();
    } finally {
      JniUtils.setGradMode(previousGradMode);
    }
  }

  /** The state of one training run. */
  private static final class Run {
    private final Trial trial;
    private final Device device;
    private final TrialData data;
    private final StepListener listener;
    private final NDManager manager;
    private final long startNanos;
    private final int batch;
    private final int context;
    private final Shape batchShape;
    private final long[] inputs;
    private final long[] labels;
    private final long[] evalInputs;
    private final long[] evalLabels;
    private final DecoderModel model;
    private final ParameterStore store;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final Adam adam;
    private final LearningRateSchedule schedule;
    private float currentLr;

    Run(Trial trial, Device device, TrialData data, StepListener listener, NDManager manager, long startNanos) {
      this.trial = trial;
      this.device = device;
      this.data = data;
      this.listener = listener;
      this.manager = manager;
      this.startNanos = startNanos;
      this.batch = trial.training().batchSize();
      this.context = trial.context();
      this.batchShape = new Shape(batch, context);
      this.inputs = new long[batch * context];
      this.labels = new long[batch * context];
      this.evalInputs = new long[EVAL_BATCH * context];
      this.evalLabels = new long[EVAL_BATCH * context];
      JniUtils.setGradMode(false);
      this.model = DecoderModel.forTrial(trial);
      model.initialize(manager, trial.seed());
      this.store = new ParameterStore(manager, false);
      for (Pair<String, Parameter> entry : model.getParameters()) {
        ids.add(entry.getValue().getId());
        weights.add(entry.getValue().getArray());
      }
      this.schedule =
          LearningRateSchedule.of(
              trial.training().learningRate(),
              trial.steps(),
              trial.training().warmupFraction(),
              trial.training().minLrFraction());
      Tracker lr = numUpdate -> currentLr;
      this.adam = Adam.builder().optLearningRateTracker(lr).build();
    }

    TrialResult execute() {
      long steps = trial.steps();
      int evalInterval = trial.training().evalInterval();
      long tokensPerStep = (long) batch * context;
      List<CurvePoint> curve = new ArrayList<>();
      double lossSum = 0;
      long lossCount = 0;
      double lastTrainLoss = Double.NaN;
      long trainNanos = 0;
      long stepsDone = 0;
      for (long step = 0; step < steps; step++) {
        currentLr = (float) schedule.at(step);
        long t0 = System.nanoTime();
        float loss = trainStep();
        trainNanos += System.nanoTime() - t0;
        if (!Float.isFinite(loss)) {
          return diverged("loss became " + describe(loss) + " at step " + (step + 1), stepsDone, loss, Double.NaN,
              curve, trainNanos);
        }
        stepsDone = step + 1;
        lossSum += loss;
        lossCount++;
        if (stepsDone % LISTENER_INTERVAL == 0 || stepsDone == steps) {
          listener.onSteps(stepsDone, stepsDone * tokensPerStep);
        }
        if (stepsDone % evalInterval == 0 || stepsDone == steps) {
          lastTrainLoss = lossSum / lossCount;
          lossSum = 0;
          lossCount = 0;
          double evalLoss = evaluate();
          curve.add(new CurvePoint(stepsDone, stepsDone * tokensPerStep, currentLr, lastTrainLoss, evalLoss));
          if (!Double.isFinite(evalLoss)) {
            return diverged("eval loss became " + describe(evalLoss) + " after step " + stepsDone, stepsDone,
                lastTrainLoss, evalLoss, curve, trainNanos);
          }
        }
      }
      double finalEval = curve.get(curve.size() - 1).evalLoss();
      return new TrialResult(
          trial.trialId(),
          TrialStatus.FINISHED,
          lastTrainLoss,
          finalEval,
          data.entropyFloor(),
          null,
          stepsDone,
          stepsDone * tokensPerStep,
          seconds(System.nanoTime() - startNanos),
          tokensPerSecond(stepsDone * tokensPerStep, trainNanos),
          device.toString(),
          curve);
    }

    private TrialResult diverged(
        String error, long stepsDone, double trainLoss, double evalLoss, List<CurvePoint> curve, long trainNanos) {
      long tokens = stepsDone * batch * context;
      return new TrialResult(
          trial.trialId(),
          TrialStatus.DIVERGED,
          trainLoss,
          evalLoss,
          data.entropyFloor(),
          error,
          stepsDone,
          tokens,
          seconds(System.nanoTime() - startNanos),
          tokensPerSecond(tokens, trainNanos),
          device.toString(),
          curve);
    }

    /** One optimizer step; returns its training loss (not applied when not finite). */
    private float trainStep() {
      data.nextTrainBatch(inputs, labels);
      JniUtils.setGradMode(true);
      try (NDManager step = manager.newSubManager()) {
        NDArray in = step.create(inputs, batchShape);
        NDArray out = step.create(labels, batchShape);
        NDArray loss = crossEntropy(in, out, true);
        float value = loss.getFloat();
        if (!Float.isFinite(value)) {
          return value;
        }
        JniUtils.backward((PtNDArray) loss, (PtNDArray) step.ones(new Shape()), false, false);
        JniUtils.setGradMode(false);
        NDArray[] grads = new NDArray[weights.size()];
        for (int i = 0; i < grads.length; i++) {
          grads[i] = weights.get(i).getGradient();
          grads[i].attach(step);
        }
        double clip = trial.training().gradClip();
        if (clip > 0) {
          NDArray[] norms = new NDArray[grads.length];
          for (int i = 0; i < grads.length; i++) {
            norms[i] = grads[i].norm();
          }
          float norm = NDArrays.stack(new NDList(norms)).norm().getFloat();
          if (norm > clip) {
            float factor = (float) (clip / (norm + 1e-6));
            for (NDArray grad : grads) {
              grad.muli(factor);
            }
          }
        }
        for (int i = 0; i < grads.length; i++) {
          adam.update(ids.get(i), weights.get(i), grads[i]);
        }
        return value;
      } finally {
        JniUtils.setGradMode(false);
      }
    }

    /** Mean held-out cross-entropy (nats/token) over every eval window, without autograd. */
    private double evaluate() {
      JniUtils.setGradMode(false);
      int windows = data.evalWindows();
      double sum = 0;
      for (int first = 0; first < windows; first += EVAL_BATCH) {
        int count = Math.min(EVAL_BATCH, windows - first);
        data.evalBatch(first, count, evalInputs, evalLabels);
        try (NDManager step = manager.newSubManager()) {
          Shape shape = new Shape(count, context);
          long[] in = count == EVAL_BATCH ? evalInputs : Arrays.copyOf(evalInputs, count * context);
          long[] out = count == EVAL_BATCH ? evalLabels : Arrays.copyOf(evalLabels, count * context);
          NDArray loss = crossEntropy(step.create(in, shape), step.create(out, shape), false);
          sum += (double) loss.getFloat() * count;
        }
      }
      return sum / windows;
    }

    /** Mean cross-entropy in nats per token of the model's predictions of {@code labels}. */
    private NDArray crossEntropy(NDArray in, NDArray out, boolean training) {
      NDArray logits = model.forward(store, new NDList(in), training).singletonOrThrow();
      NDArray logProbs = logits.logSoftmax(-1);
      return logProbs.gather(out.expandDims(-1), -1).mean().neg();
    }
  }

  private static String describe(double value) {
    return Double.isNaN(value) ? "NaN" : (value > 0 ? "+inf" : "-inf");
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double tokensPerSecond(long tokens, long nanos) {
    return nanos <= 0 ? 0 : tokens / seconds(nanos);
  }
}
