package dev.scaling.worker.data;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.worker.tokenizer.Tokens;

/**
 * The windows of a generated source (synthetic, powerlaw): consecutive windows of a training stream
 * (window i starts at token i x context) and of a held-out stream, with the source's exact entropy
 * floor. Stateless, so skipping costs nothing.
 */
record GeneratedWindows(
    int context, int vocab, double floor, Tokens train, Tokens eval, int evalWindows)
    implements TrialWindows {

  @Override
  public Double entropyFloor() {
    return floor;
  }

  @Override
  public void trainWindow(long index, int row, long[] inputs, long[] labels) {
    long start = index * context;
    InvariantViolation.check(
        start + context + 1 <= train.length(),
        "training stream exhausted after " + index + " windows");
    train.copyWindow((int) start, context, row, inputs, labels);
  }

  @Override
  public void skipTo(long index) {}

  @Override
  public void evalWindow(int index, int row, long[] inputs, long[] labels) {
    eval.copyWindow(index * context, context, row, inputs, labels);
  }
}
