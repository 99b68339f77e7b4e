package dev.scaling.worker.data;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * The token windows one trial trains and evaluates on, in batches: a thin facade over the {@link
 * TrialWindows} of the trial's {@link TokenSource} (chosen by {@code data.source} through {@link
 * DataSources}) that keeps the data position a checkpoint records. Training windows come from the
 * trial's data seed, evaluation windows from the sweep's eval seed, so every trial of a sweep is
 * scored on the same tokens.
 */
public final class TrialData {
  private final TrialWindows windows;
  private final int batchSize;
  private final int vocab;
  private long windowsServed;

  private TrialData(TrialWindows windows, int batchSize) {
    this.windows = windows;
    this.batchSize = batchSize;
    this.vocab = windows.vocab();
  }

  /**
   * Prepares the data of {@code trial}.
   *
   * @param trial the trial
   * @param conf Hadoop configuration for sources that read files
   * @return its training and evaluation windows
   * @throws IOException when the source's files cannot be read, are not UTF-8 or are too small
   */
  public static TrialData forTrial(Trial trial, Configuration conf) throws IOException {
    TrialWindows windows = DataSources.of(trial.data()).open(trial, conf);
    InvariantViolation.check(
        windows.vocab() == trial.vocab(),
        "data source "
            + trial.data().source()
            + " has vocabulary "
            + windows.vocab()
            + " but the trial's model is built for "
            + trial.vocab());
    return new TrialData(windows, trial.training().batchSize());
  }

  /** Held-out windows of {@code trial}: its eval tokens in whole windows, at least one. */
  static int evalWindowCount(Trial trial) {
    return Math.max(1, trial.data().evalTokens() / trial.context());
  }

  /** Vocabulary size of the data: every token id is below it. */
  public int vocab() {
    return vocab;
  }

  /** Exact entropy rate of the source (nats/token) where it is known (synthetic), else null. */
  public Double entropyFloor() {
    return windows.entropyFloor();
  }

  /** Held-out tokens per UTF-8 byte (see {@link TrialWindows#evalTokensPerByte}), or null. */
  public Double evalTokensPerByte() {
    return windows.evalTokensPerByte();
  }

  /** Tokens of the training split, or null where unbounded. */
  public Long trainTokens() {
    return windows.trainTokens();
  }

  /** Number of held-out windows of {@code context} tokens scored at each evaluation. */
  public int evalWindows() {
    return windows.evalWindows();
  }

  /**
   * Fills the next training batch: {@code batchSize} windows, inputs the first {@code context}
   * tokens of each window and labels the {@code context} tokens after them.
   *
   * @param inputs batch x context, row-major
   * @param labels batch x context, row-major
   */
  public void nextTrainBatch(long[] inputs, long[] labels) {
    for (int row = 0; row < batchSize; row++) {
      windows.trainWindow(windowsServed, row, inputs, labels);
      windowsServed++;
    }
  }

  /** Training windows handed out so far (the data position a checkpoint records). */
  public long trainWindowsServed() {
    return windowsServed;
  }

  /**
   * Moves a fresh instance to the data position {@code windows}, so that the following batches are
   * the ones an uninterrupted run would have seen after serving that many windows.
   *
   * @param windows a position recorded by {@link #trainWindowsServed()}
   * @throws IllegalStateException when batches were already served
   */
  public void skipTrainWindows(long windows) {
    if (windowsServed != 0) {
      throw new IllegalStateException(
          "cannot reposition data that already served " + windowsServed + " windows");
    }
    if (windows < 0) {
      throw new IllegalArgumentException("windows must be >= 0, found " + windows);
    }
    this.windows.skipTo(windows);
    windowsServed = windows;
  }

  /**
   * Fills held-out windows {@code first .. first + count - 1} into rows 0 .. count - 1.
   *
   * @param first index of the first window
   * @param count number of windows
   * @param inputs at least count x context
   * @param labels at least count x context
   */
  public void evalBatch(int first, int count, long[] inputs, long[] labels) {
    for (int row = 0; row < count; row++) {
      windows.evalWindow(first + row, row, inputs, labels);
    }
  }
}
