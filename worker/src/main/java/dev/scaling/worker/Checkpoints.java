package dev.scaling.worker;

import dev.scaling.worker.checkpoint.CheckpointPolicy;
import dev.scaling.worker.checkpoint.CheckpointState;
import dev.scaling.worker.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Where and how often a trial saves in-trial checkpoints, so that a retried attempt resumes from
 * its last checkpoint instead of step 0: a {@link CheckpointPolicy} (when) with a {@link
 * CheckpointStore} (where; its javadoc describes the files, the byte format is {@link
 * dev.scaling.worker.checkpoint.CheckpointCodec}). {@link TrialTrainer} never deletes a trial's
 * last checkpoint: the caller does with {@link #clear(String)} once the trial's result is safely
 * committed.
 *
 * <p>Instances are immutable and may be shared by concurrent trainings.
 */
public final class Checkpoints {
  /** No checkpoints: every attempt starts at step 0. */
  public static final Checkpoints NONE = new Checkpoints(CheckpointPolicy.NEVER, null);

  private final CheckpointPolicy policy;
  private final CheckpointStore store;

  private Checkpoints(CheckpointPolicy policy, CheckpointStore store) {
    this.policy = policy;
    this.store = store;
  }

  /**
   * Checkpoints in {@code dir} at the first step boundary at least {@code intervalSeconds} of wall
   * time after the trial started or after its last checkpoint.
   *
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path, e.g. {@code OUT/checkpoints}
   * @param intervalSeconds at least 0
   * @return the policy
   */
  public static Checkpoints every(Configuration conf, String dir, double intervalSeconds) {
    return every(conf, dir, intervalSeconds, 1);
  }

  /**
   * Like {@link #every(Configuration, String, double)}, and moreover at least {@code minSteps}
   * optimizer steps apart (with interval 0: exactly every {@code minSteps} steps).
   *
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path
   * @param intervalSeconds at least 0
   * @param minSteps at least 1
   * @return the policy
   */
  public static Checkpoints every(
      Configuration conf, String dir, double intervalSeconds, long minSteps) {
    return new Checkpoints(
        CheckpointPolicy.every(intervalSeconds, minSteps), new CheckpointStore(conf, dir));
  }

  /**
   * Checkpoints in {@code dir} that are read and written on request only (no periodic saves): what
   * the branches of a wsd trunk need to start from their fork when periodic checkpoints are off.
   *
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path
   * @return the policy
   */
  public static Checkpoints storeOnly(Configuration conf, String dir) {
    return new Checkpoints(CheckpointPolicy.NEVER, new CheckpointStore(conf, dir));
  }

  /**
   * The step of {@code trialId}'s newest checkpoint file, -1 when it has none or checkpoints are
   * off.
   *
   * @throws UncheckedIOException when the file system fails
   */
  public long newestStep(String trialId) {
    if (!enabled()) {
      return -1;
    }
    try {
      return store.newestStep(trialId);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list the checkpoints of " + trialId + ": " + e.getMessage(), e);
    }
  }

  /** Whether checkpoints are written and read at all. */
  public boolean enabled() {
    return store != null;
  }

  /** The directory holding one subdirectory per trial, null for {@link #NONE}. */
  public String dir() {
    return store == null ? null : store.dir();
  }

  /**
   * Deletes every checkpoint file of {@code trialId}; call it once the trial's result is committed.
   * Nothing happens for {@link #NONE} or a trial without checkpoints.
   *
   * @throws UncheckedIOException when the file system fails
   */
  public void clear(String trialId) {
    if (!enabled()) {
      return;
    }
    try {
      store.clear(trialId);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete the checkpoints of trial " + trialId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a checkpoint is due {@code nanos} and {@code steps} after the last one (or the start).
   */
  boolean due(long nanos, long steps) {
    return enabled() && policy.due(nanos, steps);
  }

  /** Writes {@code state} as its trial's newest checkpoint; returns the file's size in bytes. */
  long save(CheckpointState state) throws IOException {
    return store.save(state);
  }

  /**
   * The newest readable checkpoint of {@code trialId}, null when there is none or checkpoints are
   * off.
   */
  CheckpointState load(String trialId) throws IOException {
    return enabled() ? store.load(trialId) : null;
  }
}
