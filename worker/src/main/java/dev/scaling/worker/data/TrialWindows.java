package dev.scaling.worker.data;

/**
 * The token windows of one trial, as a {@link TokenSource} cuts them: a deterministic stream of
 * training windows (how they are drawn, in order or at random offsets, is the source's business)
 * and a fixed list of held-out windows. A window is {@code context} input tokens and the {@code
 * context} labels one token further on.
 */
public interface TrialWindows {

  /** Vocabulary size: every token id is below it. */
  int vocab();

  /** Exact entropy rate of the source in nats/token where it is known (synthetic), else null. */
  Double entropyFloor();

  /**
   * Writes training window {@code index} into row {@code row}. Called with consecutive indices,
   * from 0 or from the position last given to {@link #skipTo}.
   */
  void trainWindow(long index, int row, long[] inputs, long[] labels);

  /**
   * Moves a fresh instance to training window {@code index}, so the windows after it are those an
   * uninterrupted run serves from there.
   */
  void skipTo(long index);

  /** Number of held-out windows. */
  int evalWindows();

  /** Writes held-out window {@code index} into row {@code row}. */
  void evalWindow(int index, int row, long[] inputs, long[] labels);

  /**
   * Held-out tokens per UTF-8 byte over every held-out window's labels (so bits per byte = loss x
   * this / ln 2), or null where tokens stand for no text (synthetic).
   */
  default Double evalTokensPerByte() {
    return null;
  }

  /** Tokens of the training split, or null where it is unbounded (synthetic). */
  default Long trainTokens() {
    return null;
  }
}
