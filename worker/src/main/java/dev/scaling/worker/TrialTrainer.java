package dev.scaling.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
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
 * on different threads of one JVM; each trial's numbers depend only on its own seeds, bit for bit.
 *
 * <p>With {@link Checkpoints}, a run saves its full state (parameters, Adam's moments and step count,
 * data position, learning curve, running loss, elapsed times) every so often, and a later call for the
 * same trial continues from the newest checkpoint: its result is bitwise the one an uninterrupted run
 * would have returned.
 */
public final class TrialTrainer {
  /** Steps between two {@link StepListener} calls (the last step always reports). */
  public static final int LISTENER_INTERVAL = 10;

  private static final int EVAL_BATCH = 32;
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

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
    return train(trial, device, listener, Checkpoints.NONE);
  }

  /**
   * Trains {@code trial} to its last step on {@code device}, saving in-trial checkpoints as {@code
   * checkpoints} asks and resuming from the trial's newest valid checkpoint if there is one (then {@link
   * StepListener#onResume} is called with its step first). Checkpoints are left in place; the caller
   * deletes them with {@link Checkpoints#clear} once it has stored the result.
   *
   * @param trial what to train
   * @param device where to train, e.g. {@code Device.cpu()}
   * @param listener progress callback, {@link StepListener#NONE} for none
   * @param checkpoints where and how often to checkpoint, {@link Checkpoints#NONE} for never
   * @return a FINISHED result, or DIVERGED (with the step in {@code error}) once a loss is NaN or
   *     infinite
   * @throws UncheckedIOException when the trial's data cannot be read or a checkpoint cannot be written
   * @throws RuntimeException on any other failure (bad data, engine errors)
   */
  public TrialResult train(Trial trial, Device device, StepListener listener, Checkpoints checkpoints) {
    long startNanos = System.nanoTime();
    Checkpoints policy = checkpoints == null ? Checkpoints.NONE : checkpoints;
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
      return new Run(trial, device, data, progress, manager, startNanos, policy).execute();
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
    private final List<String> names = new ArrayList<>();
    private final NDArray[] means;
    private final NDArray[] variances;
    private long adamSteps;
    private final LearningRateSchedule schedule;
    private final Checkpoints checkpoints;
    private float currentLr;

    Run(
        Trial trial,
        Device device,
        TrialData data,
        StepListener listener,
        NDManager manager,
        long startNanos,
        Checkpoints checkpoints) {
      this.checkpoints = checkpoints;
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
        names.add(entry.getKey());
        weights.add(entry.getValue().getArray());
      }
      this.means = new NDArray[weights.size()];
      this.variances = new NDArray[weights.size()];
      for (int i = 0; i < weights.size(); i++) {
        means[i] = weights.get(i).zerosLike();
        variances[i] = weights.get(i).zerosLike();
      }
      this.schedule =
          LearningRateSchedule.of(
              trial.training().learningRate(),
              trial.steps(),
              trial.training().warmupFraction(),
              trial.training().minLrFraction());
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
      Checkpoints.State resumed = loadCheckpoint();
      if (resumed != null) {
        restore(resumed);
        stepsDone = resumed.step();
        curve.addAll(resumed.curve());
        lossSum = resumed.lossSum();
        lossCount = resumed.lossCount();
        lastTrainLoss = resumed.lastTrainLoss();
        trainNanos = resumed.trainNanos();
        priorWallNanos = resumed.wallNanos();
        resumedFromStep = stepsDone;
        listener.onResume(stepsDone);
      }
      long lastCheckpointNanos = resumed == null ? startNanos : System.nanoTime();
      long lastCheckpointStep = stepsDone;
      for (long step = stepsDone; step < steps; step++) {
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
        long now = System.nanoTime();
        if (stepsDone < steps && checkpoints.due(now - lastCheckpointNanos, stepsDone - lastCheckpointStep)) {
          saveCheckpoint(stepsDone, trainNanos, lossSum, lossCount, lastTrainLoss, curve);
          lastCheckpointNanos = System.nanoTime();
          lastCheckpointStep = stepsDone;
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
          seconds(wallNanos()),
          tokensPerSecond(stepsDone * tokensPerStep, trainNanos),
          device.toString(),
          curve,
          resumedFromStep);
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
          seconds(wallNanos()),
          tokensPerSecond(tokens, trainNanos),
          device.toString(),
          curve,
          resumedFromStep);
    }

    private long priorWallNanos;
    private long resumedFromStep;

    /** Wall time of this trial's training, including earlier attempts up to their last checkpoint. */
    private long wallNanos() {
      return priorWallNanos + System.nanoTime() - startNanos;
    }

    private Checkpoints.State loadCheckpoint() {
      Checkpoints.State state;
      try {
        state = checkpoints.load(trial.trialId());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "trial " + trial.trialId() + ": cannot read checkpoints: " + e.getMessage(), e);
      }
      if (state == null || !matches(state)) {
        return null;
      }
      return state;
    }

    /** Whether {@code state} fits this model and schedule (same parameters, shapes, a step before the end). */
    private boolean matches(Checkpoints.State state) {
      if (state.step() <= 0 || state.step() >= trial.steps() || state.tensors().size() != weights.size()) {
        return false;
      }
      for (int i = 0; i < weights.size(); i++) {
        Checkpoints.Tensor t = state.tensors().get(i);
        if (!t.name().equals(names.get(i)) || !Arrays.equals(t.shape(), weights.get(i).getShape().getShape())) {
          return false;
        }
      }
      return true;
    }

    /** Copies a checkpoint's parameters and Adam state into this run and moves the data to its position. */
    private void restore(Checkpoints.State state) {
      JniUtils.setGradMode(false);
      for (int i = 0; i < weights.size(); i++) {
        Checkpoints.Tensor t = state.tensors().get(i);
        Shape shape = new Shape(t.shape());
        try (NDManager temp = manager.newSubManager()) {
          weights.get(i).set(new NDIndex("..."), temp.create(t.values(), shape));
          means[i].set(new NDIndex("..."), temp.create(t.mean(), shape));
          variances[i].set(new NDIndex("..."), temp.create(t.variance(), shape));
        }
        if (!Arrays.equals(weights.get(i).toFloatArray(), t.values())) {
          throw new IllegalStateException("restoring parameter " + t.name() + " from a checkpoint changed its values");
        }
      }
      adamSteps = state.adamSteps();
      data.skipTrainWindows(state.trainWindows());
    }

    private void saveCheckpoint(
        long stepsDone, long trainNanos, double lossSum, long lossCount, double lastTrainLoss, List<CurvePoint> curve) {
      List<Checkpoints.Tensor> tensors = new ArrayList<>(weights.size());
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i);
        tensors.add(new Checkpoints.Tensor(names.get(i), w.getShape().getShape(), w.toFloatArray(),
            means[i].toFloatArray(), variances[i].toFloatArray()));
      }
      Checkpoints.State state =
          new Checkpoints.State(trial.trialId(), stepsDone, adamSteps, data.trainWindowsServed(), trainNanos,
              wallNanos(), lossSum, lossCount, lastTrainLoss, List.copyOf(curve), tensors);
      try {
        checkpoints.save(state);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "trial " + trial.trialId() + ": cannot write a checkpoint at step " + stepsDone + ": " + e.getMessage(), e);
      }
    }

    /**
     * Adam (beta1 0.9, beta2 0.999, eps 1e-8, no weight decay) with bias correction folded into the step
     * size, on the engine's fused kernel, exactly as DJL's {@code Adam} computes it; the moments are kept
     * here so that a checkpoint can save and restore them.
     */
    private void adamStep(NDArray[] grads) {
      adamSteps++;
      double coef1 = 1.0 - Math.pow(BETA1, adamSteps);
      double coef2 = 1.0 - Math.pow(BETA2, adamSteps);
      float lr = currentLr;
      float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
      for (int i = 0; i < grads.length; i++) {
        PtNDArray weight = (PtNDArray) weights.get(i);
        JniUtils.adamUpdate(weight, (PtNDArray) grads[i], (PtNDArray) means[i], (PtNDArray) variances[i], lr,
            corrected, 0f, 1f, -1f, BETA1, BETA2, EPSILON, false);
        JniUtils.zeroGrad(weight);
      }
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
            // muli(Number) reads its Java-buffer scalar only during this call (in place, autograd
            // off), so unlike a scalar in the forward pass it cannot be read after the GC frees it.
            for (NDArray grad : grads) {
              grad.muli(factor);
            }
          }
        }
        adamStep(grads);
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
