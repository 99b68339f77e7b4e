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
import dev.scaling.common.trial.TrunkResult;
import dev.scaling.worker.checkpoint.CheckpointState;
import dev.scaling.worker.checkpoint.ParameterTensor;
import dev.scaling.worker.data.TrialData;
import dev.scaling.worker.model.LanguageModel;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.optim.Adam;
import dev.scaling.worker.optim.AdamState;
import dev.scaling.worker.optim.GlobalNormClip;
import dev.scaling.worker.optim.GradientNorms;
import dev.scaling.worker.optim.NoiseScale;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Trains and evaluates one trial with its own loop on DJL's PyTorch engine: a per-thread autograd
 * pass (no {@code GradientCollector}, whose JVM-wide flag forbids concurrent trainings), {@link
 * GlobalNormClip global-norm clipping}, {@link Adam} at the learning rate of the trial's {@link
 * LearningRateSchedule}, and periodic held-out evaluation by the {@link Evaluator}; {@link
 * RunState} keeps the progress. With {@code training.microbatches} above 1 each step accumulates
 * the gradients of equal microbatches, and where the trial measures it the {@link NoiseScale
 * gradient noise scale} is read from the first microbatch's and the whole batch's gradients.
 * Several trainers may run at once on different threads of one JVM; each trial's numbers depend
 * only on its own seeds, bit for bit.
 *
 * <p>With {@link Checkpoints}, a run saves its full state (parameters, {@link AdamState}, data
 * position, schedule state, learning curve, running loss, noise-scale averages, elapsed times)
 * every so often, and a later call for the same trial continues from the newest checkpoint: its
 * result is bitwise the one an uninterrupted run would have returned.
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
      return withText(
          new Run(
                  trial,
                  trial.trialId(),
                  trial.steps(),
                  Map.of(),
                  device,
                  data,
                  progress,
                  manager,
                  startNanos,
                  policy)
              .execute(),
          data);
    } finally {
      JniUtils.setGradMode(previousGradMode);
    }
  }

  /**
   * Trains the trunk {@code trunk} belongs to up to {@code stopStep}: the run of {@code trunk} (the
   * trunk's longest branch, whose schedule every shorter branch shares before its fork), resumed
   * from the trunk's newest checkpoint, stopped at {@code stopStep}. At each fork step it saves the
   * run's complete state as the newest checkpoint of the branches forking there, so each branch
   * continues from it with {@link #train(Trial, Device, StepListener, Checkpoints)}, and at {@code
   * stopStep} also as the trunk's own checkpoint, where the next segment resumes.
   *
   * @param trunk the trunk's longest branch; its {@link Trial#trunkId()} names the trunk's
   *     checkpoints
   * @param stopStep where this segment stops, a fork step before {@code trunk.steps()}
   * @param forks the branches to fork in this segment, by step; none after {@code stopStep}
   * @param device where to train
   * @param listener progress callback, {@link StepListener#NONE} for none
   * @param checkpoints where checkpoints live (forks are written even when periodic checkpoints are
   *     off), not {@link Checkpoints#NONE}
   * @return FINISHED once at {@code stopStep}, or DIVERGED (with the step in its error)
   * @throws UncheckedIOException when the data cannot be read or a checkpoint cannot be written
   */
  public TrunkResult trainTrunk(
      Trial trunk,
      long stopStep,
      Map<Long, List<String>> forks,
      Device device,
      StepListener listener,
      Checkpoints checkpoints) {
    InvariantViolation.check(
        trunk.branched() && stopStep > 0 && stopStep < trunk.steps(),
        "a trunk segment needs a branched trial and a stop step in (0, "
            + trunk.steps()
            + "), found "
            + trunk.trunkId()
            + " and "
            + stopStep);
    InvariantViolation.check(
        checkpoints != null && checkpoints.enabled(), "a trunk needs a checkpoint store");
    InvariantViolation.check(
        forks.keySet().stream().allMatch(step -> step > 0 && step <= stopStep),
        "forks of a trunk segment must lie in (0, " + stopStep + "], found " + forks.keySet());
    long startNanos = System.nanoTime();
    StepListener progress = listener == null ? StepListener.NONE : listener;
    TrialData data;
    try {
      data = TrialData.forTrial(trunk, hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException("trunk " + trunk.trunkId() + ": " + e.getMessage(), e);
    }
    Engines.pytorch();
    Engines.applyThreadsToCurrentThread();
    boolean previousGradMode = JniUtils.isGradMode();
    try (NDManager manager = NDManager.newBaseManager(device, Engines.ENGINE)) {
      Run run =
          new Run(
              trunk,
              trunk.trunkId(),
              stopStep,
              forks,
              device,
              data,
              progress,
              manager,
              startNanos,
              checkpoints);
      return run.executeTrunk();
    } finally {
      JniUtils.setGradMode(previousGradMode);
    }
  }

  /** {@code result} with the held-out tokens per byte and the epochs seen of {@code data}. */
  private static TrialResult withText(TrialResult result, TrialData data) {
    Long train = data.trainTokens();
    return result.withText(
        data.evalTokensPerByte(),
        train == null || train == 0 ? null : (double) result.tokensTrained() / train);
  }

  /** One training run: builds the model, optimizer state and schedule, then runs the loop. */
  private static final class Run {
    private final Trial trial;

    /** The checkpoint key: the trial's id, or its trunk's id for a trunk segment. */
    private final String key;

    /** The step this run stops at: the trial's last, or a trunk segment's fork. */
    private final long stopStep;

    /** Branch ids to fork, by the step after which their state is saved for them. */
    private final Map<Long, List<String>> forks;

    private final Device device;
    private final TrialData data;
    private final StepListener listener;
    private final NDManager manager;
    private final Checkpoints checkpoints;
    private final Shape batchShape;
    private final long[] inputs;
    private final long[] labels;

    /** Microbatches per step (1: the whole batch at once), their shape and token buffers. */
    private final int microbatches;

    private final Shape microShape;
    private final long[] microInputs;
    private final long[] microLabels;
    private final ModelLoss loss;
    private final Evaluator evaluator;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final AdamState adam;

    /** Each parameter's factor of the scheduled learning rate (its parametrization's). */
    private final float[] lrMultipliers;

    private final RunState state;
    private final long startNanos;
    private LearningRateSchedule schedule;

    /** The checkpoint step this run resumed from, 0 when it started fresh. */
    private long resumedStep;

    Run(
        Trial trial,
        String key,
        long stopStep,
        Map<Long, List<String>> forks,
        Device device,
        TrialData data,
        StepListener listener,
        NDManager manager,
        long startNanos,
        Checkpoints checkpoints) {
      this.checkpoints = checkpoints;
      this.trial = trial;
      this.key = key;
      this.stopStep = stopStep;
      this.forks = forks;
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
      this.microbatches = trial.training().microbatchCount();
      this.microShape = new Shape(batch / microbatches, context);
      this.microInputs = microbatches > 1 ? new long[batch / microbatches * context] : null;
      this.microLabels = microbatches > 1 ? new long[batch / microbatches * context] : null;
      this.state =
          new RunState(
              startNanos,
              (long) batch * context,
              trial.training().measuresNoiseScale()
                  ? NoiseScale.ofMicrobatches(batch, microbatches, context)
                  : null);
      JniUtils.setGradMode(false);
      LanguageModel model = ModelFamilies.build(trial);
      model.initialize(manager, trial.seed());
      this.loss = new ModelLoss(model, new ParameterStore(manager, false));
      this.evaluator = new Evaluator(loss, data, manager, context);
      for (Pair<String, Parameter> entry : model.getParameters()) {
        names.add(entry.getKey());
        weights.add(entry.getValue().getArray());
      }
      this.lrMultipliers = new float[names.size()];
      for (int i = 0; i < lrMultipliers.length; i++) {
        lrMultipliers[i] = (float) model.learningRateMultiplier(names.get(i));
      }
      this.adam = AdamState.zerosLike(weights);
      this.schedule = trial.schedule();
    }

    /** Trains the trial to its last step: its FINISHED or DIVERGED result. */
    TrialResult execute() {
      TrialResult diverged = trainToStop();
      if (diverged != null) {
        return diverged;
      }
      return state.result(
          key,
          TrialStatus.FINISHED,
          state.lastTrainLoss(),
          state.lastEvalLoss(),
          data.entropyFloor(),
          null,
          device.toString());
    }

    /**
     * Trains a trunk segment to its stop step, writing its forks and, at the stop, the trunk's
     * checkpoint the next segment resumes from.
     */
    TrunkResult executeTrunk() {
      TrialResult diverged = trainToStop();
      if (diverged == null) {
        if (resumedStep < stopStep) {
          saveCheckpoint(key);
        } else {
          // A retried segment whose earlier attempt had reached the stop: rewrite its forks.
          for (String branch : forks.getOrDefault(stopStep, List.of())) {
            saveCheckpoint(branch);
          }
        }
      }
      return new TrunkResult(
          key,
          diverged == null ? TrialStatus.FINISHED : diverged.status(),
          state.stepsDone(),
          resumedStep,
          diverged == null ? null : diverged.error(),
          (System.nanoTime() - startNanos) / 1e9,
          device.toString());
    }

    /**
     * Resumes from the newest fitting checkpoint and trains up to {@link #stopStep}, evaluating,
     * forking and checkpointing on the way; returns null when it got there, else the DIVERGED
     * result.
     */
    private TrialResult trainToStop() {
      long steps = trial.steps();
      int evalInterval = trial.training().evalInterval();
      CheckpointState resumed = loadCheckpoint();
      if (resumed != null) {
        restore(resumed);
        resumedStep = resumed.step();
        listener.onResume(state.stepsDone());
      }
      long lastCheckpointNanos = resumed == null ? startNanos : System.nanoTime();
      long lastCheckpointStep = state.stepsDone();
      for (long step = state.stepsDone(); step < stopStep; step++) {
        float lr = (float) schedule.at(step);
        long t0 = System.nanoTime();
        float value = trainStep(lr);
        state.addTrainNanos(System.nanoTime() - t0);
        if (!Float.isFinite(value)) {
          return state.result(
              key,
              TrialStatus.DIVERGED,
              value,
              Double.NaN,
              data.entropyFloor(),
              "loss became " + describe(value) + " at step " + (step + 1),
              device.toString());
        }
        state.stepDone(value);
        long stepsDone = state.stepsDone();
        // Also at a trunk segment's end (its fork), so its last report is the step it stopped at.
        if (stepsDone % LISTENER_INTERVAL == 0 || stepsDone == steps || stepsDone == stopStep) {
          listener.onSteps(stepsDone, state.tokensDone());
          listener.onTrainLoss(stepsDone, value);
        }
        if (stepsDone % evalInterval == 0 || stepsDone == steps) {
          Evaluator.HeldOut heldOut = evaluator.heldOut();
          double evalLoss = heldOut.loss();
          state.evaluated(lr, evalLoss, heldOut.stderr());
          listener.onEvaluation(stepsDone, state.lastTrainLoss(), evalLoss);
          if (!Double.isFinite(evalLoss)) {
            return state.result(
                key,
                TrialStatus.DIVERGED,
                state.lastTrainLoss(),
                evalLoss,
                data.entropyFloor(),
                "eval loss became " + describe(evalLoss) + " after step " + stepsDone,
                device.toString());
          }
        }
        for (String branch : forks.getOrDefault(stepsDone, List.of())) {
          saveCheckpoint(branch); // the branch's start: this run's complete state now
        }
        long now = System.nanoTime();
        if (stepsDone < stopStep
            && checkpoints.due(now - lastCheckpointNanos, stepsDone - lastCheckpointStep)) {
          saveCheckpoint(key);
          lastCheckpointNanos = System.nanoTime();
          lastCheckpointStep = stepsDone;
        }
      }
      return null;
    }

    /** The newest checkpoint of this trial that fits this run, or null. */
    private CheckpointState loadCheckpoint() {
      CheckpointState saved;
      try {
        saved = checkpoints.load(key);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "trial " + key + ": cannot read checkpoints: " + e.getMessage(), e);
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
          || saved.step() > stopStep
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
          Schedules.resume(
              trial.training(), trial.steps(), trial.tokensPerStep(), saved.schedule());
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
      if (state.noiseScale() != null && saved.progress().noiseScale() == null) {
        System.err.printf(
            "trial %s: checkpoint at step %d has no noise-scale averages (measured off);"
                + " they start afresh%n",
            trial.trialId(), saved.step());
      }
      state.resume(saved.progress());
      data.skipTrainWindows(saved.trainWindows());
    }

    /** Saves this run's complete state as the newest checkpoint under {@code id}. */
    private void saveCheckpoint(String id) {
      List<ParameterTensor> parameters = new ArrayList<>(weights.size());
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i);
        parameters.add(
            new ParameterTensor(names.get(i), w.getShape().getShape(), w.toFloatArray()));
      }
      long stepsDone = state.stepsDone();
      CheckpointState saved =
          new CheckpointState(
              id,
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
                + id
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
      if (microbatches > 1) {
        return accumulatedStep(lr);
      }
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
        Adam.update(weights, grads, lr, lrMultipliers, adam);
        return result;
      } finally {
        JniUtils.setGradMode(false);
      }
    }

    /**
     * One optimizer step over {@link #microbatches} equal microbatches (rows [k B/M, (k+1) B/M) of
     * the batch): a forward and backward each, every backward scaled by 1/M, so the accumulated
     * gradient is the whole batch's mean gradient; the step's loss is the mean of the microbatch
     * losses (the first non-finite one ends the step, unapplied). Where the run measures the noise
     * scale, the squared gradient norms after the first backward (M^2 x it: that microbatch's own)
     * and after the last (before clipping) feed it; reading them changes no gradient.
     */
    private float accumulatedStep(float lr) {
      NoiseScale noise = state.noiseScale();
      int length = microInputs.length;
      JniUtils.setGradMode(true);
      try (NDManager step = manager.newSubManager()) {
        NDArray share = step.full(new Shape(), 1f / microbatches);
        double lossSum = 0;
        double smallNormSquared = Double.NaN;
        for (int k = 0; k < microbatches; k++) {
          System.arraycopy(inputs, k * length, microInputs, 0, length);
          System.arraycopy(labels, k * length, microLabels, 0, length);
          try (NDManager micro = step.newSubManager()) {
            NDArray in = micro.create(microInputs, microShape);
            NDArray out = micro.create(microLabels, microShape);
            NDArray value = loss.crossEntropy(in, out, true);
            float part = value.getFloat();
            if (!Float.isFinite(part)) {
              return part;
            }
            lossSum += part;
            JniUtils.backward((PtNDArray) value, (PtNDArray) share, false, false);
          }
          if (k == 0 && noise != null) {
            JniUtils.setGradMode(false);
            try (NDManager read = step.newSubManager()) {
              NDArray[] firstGrads = new NDArray[weights.size()];
              for (int i = 0; i < firstGrads.length; i++) {
                firstGrads[i] = weights.get(i).getGradient();
                firstGrads[i].attach(read);
              }
              smallNormSquared =
                  (double) microbatches * microbatches * GradientNorms.squaredNorm(firstGrads);
            }
            JniUtils.setGradMode(true);
          }
        }
        JniUtils.setGradMode(false);
        NDArray[] grads = new NDArray[weights.size()];
        for (int i = 0; i < grads.length; i++) {
          grads[i] = weights.get(i).getGradient();
          grads[i].attach(step);
        }
        if (noise != null) {
          noise.update(smallNormSquared, GradientNorms.squaredNorm(grads));
        }
        GlobalNormClip.apply(grads, trial.training().gradClip());
        Adam.update(weights, grads, lr, lrMultipliers, adam);
        return (float) (lossSum / microbatches);
      } finally {
        JniUtils.setGradMode(false);
      }
    }
  }

  private static String describe(double value) {
    return Double.isNaN(value) ? "NaN" : (value > 0 ? "+inf" : "-inf");
  }
}
