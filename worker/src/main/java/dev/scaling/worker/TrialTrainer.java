package dev.scaling.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.checkpoint.CheckpointState;
import dev.scaling.worker.checkpoint.ParameterTensor;
import dev.scaling.worker.data.TrialData;
import dev.scaling.worker.model.LanguageModel;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.optim.Adam;
import dev.scaling.worker.optim.AdamState;
import dev.scaling.worker.optim.GlobalNormClip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Trains and evaluates one trial with its own loop on DJL's PyTorch engine: a per-thread autograd
 * pass (no {@code GradientCollector}, whose JVM-wide flag forbids concurrent trainings), {@link
 * GlobalNormClip global-norm clipping}, {@link Adam} at the learning rate of the trial's {@link
 * LearningRateSchedule}, and periodic held-out evaluation by the {@link Evaluator}; {@link
 * RunState} keeps the progress. Several trainers may run at once on different threads of one JVM;
 * each trial's numbers depend only on its own seeds, bit for bit.
 *
 * <p>With {@link Checkpoints}, a run saves its full state (parameters, {@link AdamState}, data
 * position, schedule state, learning curve, running loss, elapsed times) every so often, and a
 * later call for the same trial continues from the newest checkpoint: its result is bitwise the one
 * an uninterrupted run would have returned.
 */
public final class TrialTrainer {
  /** Steps between two {@link StepListener} calls (the last step always reports). */
  public static final int LISTENER_INTERVAL = 10;

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
   * checkpoints} asks and resuming from the trial's newest valid checkpoint if there is one (then
   * {@link StepListener#onResume} is called with its step first). Checkpoints are left in place;
   * the caller deletes them with {@link Checkpoints#clear} once it has stored the result.
   *
   * @param trial what to train
   * @param device where to train, e.g. {@code Device.cpu()}
   * @param listener progress callback, {@link StepListener#NONE} for none
   * @param checkpoints where and how often to checkpoint, {@link Checkpoints#NONE} for never
   * @return a FINISHED result, or DIVERGED (with the step in {@code error}) once a loss is NaN or
   *     infinite
   * @throws UncheckedIOException when the trial's data cannot be read or a checkpoint cannot be
   *     written
   * @throws RuntimeException on any other failure (bad data, engine errors)
   */
  public TrialResult train(
      Trial trial, Device device, StepListener listener, Checkpoints checkpoints) {
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

  /** One training run: builds the model, optimizer state and schedule, then runs the loop. */
  private static final class Run {
    private final Trial trial;
    private final Device device;
    private final TrialData data;
    private final StepListener listener;
    private final NDManager manager;
    private final Checkpoints checkpoints;
    private final Shape batchShape;
    private final long[] inputs;
    private final long[] labels;
    private final ModelLoss loss;
    private final Evaluator evaluator;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final AdamState adam;
    private final RunState state;
    private final long startNanos;
    private LearningRateSchedule schedule;

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
      int batch = trial.training().batchSize();
      int context = trial.context();
      this.batchShape = new Shape(batch, context);
      this.inputs = new long[batch * context];
      this.labels = new long[batch * context];
      this.state = new RunState(startNanos, (long) batch * context);
      JniUtils.setGradMode(false);
      LanguageModel model = ModelFamilies.build(trial);
      model.initialize(manager, trial.seed());
      this.loss = new ModelLoss(model, new ParameterStore(manager, false));
      this.evaluator = new Evaluator(loss, data, manager, context);
      for (Pair<String, Parameter> entry : model.getParameters()) {
        names.add(entry.getKey());
        weights.add(entry.getValue().getArray());
      }
      this.adam = AdamState.zerosLike(weights);
      this.schedule = Schedules.create(trial.training(), trial.steps());
    }

    TrialResult execute() {
      long steps = trial.steps();
      int evalInterval = trial.training().evalInterval();
      CheckpointState resumed = loadCheckpoint();
      if (resumed != null) {
        restore(resumed);
        listener.onResume(state.stepsDone());
      }
      long lastCheckpointNanos = resumed == null ? startNanos : System.nanoTime();
      long lastCheckpointStep = state.stepsDone();
      for (long step = state.stepsDone(); step < steps; step++) {
        float lr = (float) schedule.at(step);
        long t0 = System.nanoTime();
        float value = trainStep(lr);
        state.addTrainNanos(System.nanoTime() - t0);
        if (!Float.isFinite(value)) {
          return state.result(
              trial.trialId(),
              TrialStatus.DIVERGED,
              value,
              Double.NaN,
              data.entropyFloor(),
              "loss became " + describe(value) + " at step " + (step + 1),
              device.toString());
        }
        state.stepDone(value);
        long stepsDone = state.stepsDone();
        if (stepsDone % LISTENER_INTERVAL == 0 || stepsDone == steps) {
          listener.onSteps(stepsDone, state.tokensDone());
          listener.onTrainLoss(stepsDone, value);
        }
        if (stepsDone % evalInterval == 0 || stepsDone == steps) {
          double evalLoss = evaluator.heldOutLoss();
          state.evaluated(lr, evalLoss);
          listener.onEvaluation(stepsDone, state.lastTrainLoss(), evalLoss);
          if (!Double.isFinite(evalLoss)) {
            return state.result(
                trial.trialId(),
                TrialStatus.DIVERGED,
                state.lastTrainLoss(),
                evalLoss,
                data.entropyFloor(),
                "eval loss became " + describe(evalLoss) + " after step " + stepsDone,
                device.toString());
          }
        }
        long now = System.nanoTime();
        if (stepsDone < steps
            && checkpoints.due(now - lastCheckpointNanos, stepsDone - lastCheckpointStep)) {
          saveCheckpoint();
          lastCheckpointNanos = System.nanoTime();
          lastCheckpointStep = stepsDone;
        }
      }
      return state.result(
          trial.trialId(),
          TrialStatus.FINISHED,
          state.lastTrainLoss(),
          state.lastEvalLoss(),
          data.entropyFloor(),
          null,
          device.toString());
    }

    /** The newest checkpoint of this trial that fits this run, or null. */
    private CheckpointState loadCheckpoint() {
      CheckpointState saved;
      try {
        saved = checkpoints.load(trial.trialId());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "trial " + trial.trialId() + ": cannot read checkpoints: " + e.getMessage(), e);
      }
      if (saved == null || !matches(saved)) {
        return null;
      }
      return saved;
    }

    /**
     * Whether {@code saved} fits this model and schedule: the same parameters and shapes, a step
     * before the end, and the schedule this trial follows (rebuilt from the trial and checked
     * against the saved schedule state; on a match it becomes this run's schedule).
     */
    private boolean matches(CheckpointState saved) {
      if (saved.step() <= 0
          || saved.step() >= trial.steps()
          || saved.parameters().size() != weights.size()) {
        return false;
      }
      for (int i = 0; i < weights.size(); i++) {
        ParameterTensor t = saved.parameters().get(i);
        if (!t.name().equals(names.get(i))
            || !Arrays.equals(t.shape(), weights.get(i).getShape().getShape())) {
          return false;
        }
      }
      LearningRateSchedule resumedSchedule =
          Schedules.resume(trial.training(), trial.steps(), saved.schedule());
      if (resumedSchedule == null) {
        System.err.printf(
            "trial %s: checkpoint at step %d followed schedule %s, this trial follows %s; not resumed%n",
            trial.trialId(), saved.step(), saved.schedule().definition(), schedule.definition());
        return false;
      }
      schedule = resumedSchedule;
      return true;
    }

    /**
     * Copies a checkpoint's parameters, Adam state and progress into this run and moves the data to
     * its position.
     */
    private void restore(CheckpointState saved) {
      JniUtils.setGradMode(false);
      for (int i = 0; i < weights.size(); i++) {
        ParameterTensor t = saved.parameters().get(i);
        try (NDManager temp = manager.newSubManager()) {
          weights.get(i).set(new NDIndex("..."), temp.create(t.values(), new Shape(t.shape())));
        }
        InvariantViolation.check(
            Arrays.equals(weights.get(i).toFloatArray(), t.values()),
            "restoring parameter " + t.name() + " from a checkpoint changed its values");
      }
      adam.restore(saved.adam(), manager);
      state.resume(saved.progress());
      data.skipTrainWindows(saved.trainWindows());
    }

    private void saveCheckpoint() {
      List<ParameterTensor> parameters = new ArrayList<>(weights.size());
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i);
        parameters.add(
            new ParameterTensor(names.get(i), w.getShape().getShape(), w.toFloatArray()));
      }
      long stepsDone = state.stepsDone();
      CheckpointState saved =
          new CheckpointState(
              trial.trialId(),
              state.progress(),
              data.trainWindowsServed(),
              schedule.resumeState(stepsDone),
              parameters,
              adam.saved());
      try {
        checkpoints.save(saved);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "trial "
                + trial.trialId()
                + ": cannot write a checkpoint at step "
                + stepsDone
                + ": "
                + e.getMessage(),
            e);
      }
    }

    /**
     * One optimizer step at learning rate {@code lr}; returns its training loss (not applied when
     * not finite).
     */
    private float trainStep(float lr) {
      data.nextTrainBatch(inputs, labels);
      JniUtils.setGradMode(true);
      try (NDManager step = manager.newSubManager()) {
        NDArray in = step.create(inputs, batchShape);
        NDArray out = step.create(labels, batchShape);
        NDArray value = loss.crossEntropy(in, out, true);
        float result = value.getFloat();
        if (!Float.isFinite(result)) {
          return result;
        }
        JniUtils.backward((PtNDArray) value, (PtNDArray) step.ones(new Shape()), false, false);
        JniUtils.setGradMode(false);
        NDArray[] grads = new NDArray[weights.size()];
        for (int i = 0; i < grads.length; i++) {
          grads[i] = weights.get(i).getGradient();
          grads[i].attach(step);
        }
        GlobalNormClip.apply(grads, trial.training().gradClip());
        Adam.update(weights, grads, lr, adam);
        return result;
      } finally {
        JniUtils.setGradMode(false);
      }
    }
  }

  private static String describe(double value) {
    return Double.isNaN(value) ? "NaN" : (value > 0 ? "+inf" : "-inf");
  }
}
