package dev.scaling.driver.spark;

import dev.scaling.worker.StepListener;
import org.apache.spark.util.LongAccumulator;

/**
 * Adds the tokens a run trains to the sweep's {@code tokens trained} accumulator as it goes,
 * counting from the step it resumed at, so a resumed attempt or a branch never counts the tokens
 * before its checkpoint twice. Called on the task's training thread; it never throws.
 */
class TokensTrained implements StepListener {
  private final LongAccumulator tokens;
  private final long tokensPerStep;
  private long reported;

  /**
   * @param tokens the accumulator to add to
   * @param tokensPerStep training tokens per optimizer step of the run
   */
  TokensTrained(LongAccumulator tokens, long tokensPerStep) {
    this.tokens = tokens;
    this.tokensPerStep = tokensPerStep;
  }

  @Override
  public void onSteps(long steps, long tokensDone) {
    tokens.add(tokensDone - reported);
    reported = tokensDone;
  }

  @Override
  public void onResume(long fromStep) {
    reported = fromStep * tokensPerStep;
  }
}
