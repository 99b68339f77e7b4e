package dev.scaling.worker.data;

import dev.scaling.common.spec.DataSource;
import dev.scaling.common.trial.Trial;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * The token windows one trial trains and evaluates on. Training batches come from the trial's data seed
 * (synthetic: one stream walked in order; text: random windows of the training split); evaluation windows
 * come from the sweep's eval seed (synthetic: a separate held-out stream; text: random windows of the
 * held-out split), so every trial of a sweep is scored on the same tokens.
 */
public final class TrialData {
  private final int context;
  private final int batchSize;
  private final byte[] train;
  private final boolean sequential;
  private final SplittableRandom trainRandom;
  private final byte[] eval;
  private final int[] evalOffsets;
  private final Double entropyFloor;
  private long windowsServed;

  private TrialData(
      int context,
      int batchSize,
      byte[] train,
      boolean sequential,
      long dataSeed,
      byte[] eval,
      int[] evalOffsets,
      Double entropyFloor) {
    this.context = context;
    this.batchSize = batchSize;
    this.train = train;
    this.sequential = sequential;
    this.trainRandom = new SplittableRandom(dataSeed);
    this.eval = eval;
    this.evalOffsets = evalOffsets;
    this.entropyFloor = entropyFloor;
  }

  /**
   * Prepares the data of {@code trial}.
   *
   * @param trial the trial
   * @param conf Hadoop configuration for text corpora (unused for synthetic data)
   * @return its training and evaluation windows
   * @throws IOException when a text corpus cannot be read, is not UTF-8 or is too small
   */
  public static TrialData forTrial(Trial trial, Configuration conf) throws IOException {
    int context = trial.context();
    int batch = trial.training().batchSize();
    int evalWindows = Math.max(1, trial.data().evalTokens() / context);
    if (trial.data().source() == DataSource.SYNTHETIC) {
      SyntheticLanguage language = SyntheticLanguage.of(trial.data().synthetic(), trial.languageSeed());
      byte[] train = language.generate(trial.tokensTrained() + 1, trial.dataSeed());
      byte[] eval = language.generate((long) evalWindows * context + 1, trial.evalSeed());
      int[] offsets = new int[evalWindows];
      for (int i = 0; i < evalWindows; i++) {
        offsets[i] = i * context;
      }
      return new TrialData(context, batch, train, true, trial.dataSeed(), eval, offsets, language.entropyRate());
    }
    TextCorpus corpus = TextCorpus.cached(trial.data().path(), trial.data().validationFraction(), conf);
    if (corpus.trainSize() < context + 1 || corpus.validationSize() < context + 1) {
      throw new IOException(
          "text corpus " + corpus.path() + " is too small for context " + context + ": its training split has "
              + corpus.trainSize() + " bytes and its held-out split " + corpus.validationSize()
              + ", each needs at least " + (context + 1));
    }
    byte[] eval = corpus.validationTokens();
    SplittableRandom evalRandom = new SplittableRandom(trial.evalSeed());
    int[] offsets = new int[evalWindows];
    for (int i = 0; i < evalWindows; i++) {
      offsets[i] = evalRandom.nextInt(eval.length - context);
    }
    return new TrialData(context, batch, corpus.trainTokens(), false, trial.dataSeed(), eval, offsets, null);
  }

  /** Exact entropy rate of a synthetic source (nats/token), null for text. */
  public Double entropyFloor() {
    return entropyFloor;
  }

  /** Number of held-out windows of {@code context} tokens scored at each evaluation. */
  public int evalWindows() {
    return evalOffsets.length;
  }

  /**
   * Fills the next training batch: {@code batchSize} windows, inputs the first {@code context} tokens of
   * each window and labels the {@code context} tokens after them.
   *
   * @param inputs batch x context, row-major
   * @param labels batch x context, row-major
   */
  public void nextTrainBatch(long[] inputs, long[] labels) {
    for (int row = 0; row < batchSize; row++) {
      int offset;
      if (sequential) {
        long start = windowsServed * context;
        if (start + context + 1 > train.length) {
          throw new IllegalStateException("training stream exhausted after " + windowsServed + " windows");
        }
        offset = (int) start;
      } else {
        offset = trainRandom.nextInt(train.length - context);
      }
      windowsServed++;
      copyWindow(train, offset, row, inputs, labels);
    }
  }

  /** Training windows handed out so far (the data position a checkpoint records). */
  public long trainWindowsServed() {
    return windowsServed;
  }

  /**
   * Moves a fresh instance to the data position {@code windows}, so that the following batches are the
   * ones an uninterrupted run would have seen after serving that many windows.
   *
   * @param windows a position recorded by {@link #trainWindowsServed()}
   * @throws IllegalStateException when batches were already served
   */
  public void skipTrainWindows(long windows) {
    if (windowsServed != 0) {
      throw new IllegalStateException("cannot reposition data that already served " + windowsServed + " windows");
    }
    if (windows < 0) {
      throw new IllegalArgumentException("windows must be >= 0, found " + windows);
    }
    if (!sequential) {
      int bound = train.length - context;
      for (long i = 0; i < windows; i++) {
        trainRandom.nextInt(bound);
      }
    }
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
      copyWindow(eval, evalOffsets[first + row], row, inputs, labels);
    }
  }

  private void copyWindow(byte[] tokens, int offset, int row, long[] inputs, long[] labels) {
    int base = row * context;
    for (int i = 0; i < context; i++) {
      inputs[base + i] = tokens[offset + i] & 0xFF;
      labels[base + i] = tokens[offset + i + 1] & 0xFF;
    }
  }
}
