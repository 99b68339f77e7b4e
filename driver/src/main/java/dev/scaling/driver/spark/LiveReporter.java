package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.live.LiveAccumulator;
import dev.scaling.driver.live.LivePoint;
import dev.scaling.driver.live.LiveProgress;
import dev.scaling.worker.StepListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * The live reporting of one trial (or trunk segment) inside its Spark task: a {@link StepListener}
 * that publishes the run's step, tokens, latest train and held-out losses and speed to a {@link
 * LiveAccumulator}, then passes every call on to the listener it wraps. Called on the task's
 * training thread; it never throws (a report is a value swap).
 *
 * <p>One call per task body: {@code listener = LiveReporter.forTrial(trial, accumulators.live(),
 * device).around(listener)}; a trunk segment uses {@link #of} with its trunk id.
 */
public final class LiveReporter implements StepListener {
  private final LiveAccumulator accumulator;
  private final String sweepName;
  private final String id;
  private final long stepsPlanned;
  private final long stopStep;
  private final long tokensPerStep;
  private final int attempt;
  private final String executorId;
  private final String host;
  private final String device;
  private final long startedAtMillis = System.currentTimeMillis();
  private final Deque<LivePoint> recent = new ArrayDeque<>();
  private StepListener inner = StepListener.NONE;
  private long steps;
  private long tokens;
  private long startTokens;
  private long fromStep;
  private double trainLoss = Double.NaN;
  private double evalLoss = Double.NaN;

  /**
   * A reporter for a run of {@code stepsPlanned} steps of {@code tokensPerStep} tokens from step 0,
   * in the current Spark task (attempt, executor and host are read from it; outside a task they
   * read "0", "driver" and "localhost"). Publishes a step-0 report at once, so the trial shows as
   * running with the next heartbeat.
   */
  public static LiveReporter of(
      LiveAccumulator accumulator,
      String sweepName,
      String id,
      long stepsPlanned,
      long tokensPerStep,
      String device) {
    return segment(
        accumulator, sweepName, id, stepsPlanned, 0, stepsPlanned, tokensPerStep, device);
  }

  /**
   * A reporter for one segment of a longer run (a trunk's): steps {@code startStep} to {@code
   * stopStep} of its {@code stepsPlanned}, so the run's row shows its step over the whole length
   * and the next segment's reports supersede this one's. The first report is at {@code startStep},
   * where the segment resumes (a resume from another step reports it).
   */
  public static LiveReporter segment(
      LiveAccumulator accumulator,
      String sweepName,
      String id,
      long stepsPlanned,
      long startStep,
      long stopStep,
      long tokensPerStep,
      String device) {
    TaskContext task = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    return new LiveReporter(
        accumulator,
        sweepName,
        id,
        stepsPlanned,
        startStep,
        stopStep,
        tokensPerStep,
        task == null ? 0 : task.attemptNumber(),
        env == null ? "driver" : env.executorId(),
        env == null ? "localhost" : env.blockManager().blockManagerId().host(),
        device);
  }

  /** A reporter for {@code trial}, under its trial id. */
  public static LiveReporter forTrial(Trial trial, LiveAccumulator accumulator, Object device) {
    return of(
        accumulator,
        trial.sweepName(),
        trial.trialId(),
        trial.steps(),
        (long) trial.training().batchSize() * trial.context(),
        String.valueOf(device));
  }

  LiveReporter(
      LiveAccumulator accumulator,
      String sweepName,
      String id,
      long stepsPlanned,
      long startStep,
      long stopStep,
      long tokensPerStep,
      int attempt,
      String executorId,
      String host,
      String device) {
    this.accumulator = accumulator;
    this.sweepName = sweepName;
    this.id = id;
    this.stepsPlanned = stepsPlanned;
    this.stopStep = stopStep;
    this.tokensPerStep = tokensPerStep;
    this.steps = startStep;
    this.tokens = startStep * tokensPerStep;
    this.startTokens = tokens;
    this.fromStep = startStep;
    this.attempt = attempt;
    this.executorId = executorId;
    this.host = host;
    this.device = device;
    publish();
  }

  /** This reporter, passing every call on to {@code listener} after reporting it. */
  public LiveReporter around(StepListener listener) {
    this.inner = listener == null ? StepListener.NONE : listener;
    return this;
  }

  @Override
  public void onSteps(long stepsDone, long tokensDone) {
    steps = stepsDone;
    tokens = tokensDone;
    publish();
    inner.onSteps(stepsDone, tokensDone);
  }

  @Override
  public void onResume(long fromStep) {
    steps = fromStep;
    tokens = fromStep * tokensPerStep;
    startTokens = tokens;
    this.fromStep = fromStep;
    publish();
    inner.onResume(fromStep);
  }

  @Override
  public void onTrainLoss(long stepsDone, double loss) {
    trainLoss = loss;
    point(new LivePoint(stepsDone, stepsDone * tokensPerStep, loss, Double.NaN));
    publish();
    inner.onTrainLoss(stepsDone, loss);
  }

  @Override
  public void onEvaluation(long stepsDone, double meanTrainLoss, double heldOut) {
    evalLoss = heldOut;
    point(new LivePoint(stepsDone, stepsDone * tokensPerStep, meanTrainLoss, heldOut));
    publish();
    inner.onEvaluation(stepsDone, meanTrainLoss, heldOut);
  }

  private void point(LivePoint p) {
    if (!recent.isEmpty() && recent.peekLast().step() == p.step()) {
      LivePoint last = recent.pollLast();
      p =
          new LivePoint(
              p.step(),
              p.tokens(),
              Double.isNaN(p.trainLoss()) ? last.trainLoss() : p.trainLoss(),
              p.hasEval() ? p.evalLoss() : last.evalLoss());
    }
    recent.addLast(p);
    while (recent.size() > LiveProgress.RECENT_POINTS) {
      recent.pollFirst();
    }
  }

  /** The report as of now. */
  LiveProgress current() {
    long now = System.currentTimeMillis();
    double seconds = (now - startedAtMillis) / 1000.0;
    double speed = seconds > 0 ? (tokens - startTokens) / seconds : 0;
    return new LiveProgress(
        sweepName,
        id,
        attempt,
        executorId,
        host,
        device,
        steps,
        stepsPlanned,
        tokens,
        trainLoss,
        evalLoss,
        speed,
        startedAtMillis,
        now,
        List.copyOf(recent),
        fromStep,
        stopStep);
  }

  private void publish() {
    accumulator.add(current());
  }
}
