package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.TestTrials;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The synthetic source through the data-source API: consecutive windows of the generated streams.
 */
class SyntheticSourceTest {
  private static final Configuration CONF = new Configuration();

  @Test
  void forTrial_cutsConsecutiveWindowsOfTheDataAndEvalStreams() throws Exception {
    int context = 8;
    int batch = 3;
    int steps = 5;
    Trial trial =
        TestTrials.synthetic(
            TestTrials.SMALL_LANGUAGE,
            16,
            1,
            2,
            context,
            (long) steps * batch * context,
            batch,
            1e-3,
            1.0,
            10);
    SyntheticLanguage language =
        new SyntheticLanguage(TestTrials.SMALL_LANGUAGE, trial.languageSeed());
    byte[] stream = language.generate(trial.tokensTrained() + 1, trial.dataSeed());
    TrialData data = TrialData.forTrial(trial, CONF);
    assertEquals(language.entropyRate(), data.entropyFloor(), 0.0);
    assertEquals(16, data.vocab());

    long[] inputs = new long[batch * context];
    long[] labels = new long[batch * context];
    long[][] fourth = null;
    for (int step = 0; step < steps; step++) {
      data.nextTrainBatch(inputs, labels);
      for (int row = 0; row < batch; row++) {
        assertWindow(stream, (step * batch + row) * context, context, row, inputs, labels);
      }
      if (step == 3) {
        fourth = new long[][] {inputs.clone(), labels.clone()};
      }
    }
    assertThrows(
        InvariantViolation.class,
        () -> data.nextTrainBatch(inputs, labels),
        "the stream holds D tokens");

    TrialData resumed = TrialData.forTrial(trial, CONF);
    resumed.skipTrainWindows(3L * batch);
    resumed.nextTrainBatch(inputs, labels);
    assertArrayEquals(fourth[0], inputs);
    assertArrayEquals(fourth[1], labels);

    int windows = 2048 / context; // TestTrials' eval tokens
    assertEquals(windows, data.evalWindows());
    byte[] held = language.generate((long) windows * context + 1, trial.evalSeed());
    long[] evalInputs = new long[2 * context];
    long[] evalLabels = new long[2 * context];
    data.evalBatch(windows - 2, 2, evalInputs, evalLabels);
    assertWindow(held, (windows - 2) * context, context, 0, evalInputs, evalLabels);
    assertWindow(held, (windows - 1) * context, context, 1, evalInputs, evalLabels);
  }

  private static void assertWindow(
      byte[] stream, int offset, int context, int row, long[] inputs, long[] labels) {
    for (int i = 0; i < context; i++) {
      assertEquals(
          stream[offset + i] & 0xFF, inputs[row * context + i], "input " + i + " of row " + row);
      assertEquals(
          stream[offset + i + 1] & 0xFF,
          labels[row * context + i],
          "label " + i + " of row " + row);
    }
  }
}
