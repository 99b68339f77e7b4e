package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.TestTrials;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The power-law source through the data-source API: aligned windows, exact floor, preflight. */
class PowerLawSourceTest {
  private static final Configuration CONF = new Configuration();
  private static final PowerLawSpec SPEC = new PowerLawSpec(100, 4, 8, 3, 0.5, 0.0);

  @Test
  void preflight_rejectsAContextThatSplitsSegments() {
    Trial trial = TestTrials.powerlaw(SPEC, 16, 1, 16, 4096, 4, 1e-3);
    SpecException e =
        assertThrows(SpecException.class, () -> DataSources.preflight(trial.data(), 20, CONF));
    assertEquals("model.context", e.field());
    assertTrue(e.getMessage().contains("(2 + 2 x data.powerlaw.pairs = 8)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("found 20"), e.getMessage());
    assertEquals(SPEC.vocab(), DataSources.preflight(trial.data(), 16, CONF).vocab());
  }

  @Test
  void forTrial_cutsSegmentAlignedWindowsAndReportsTheExactFloor() throws Exception {
    int context = 16;
    int batch = 2;
    Trial trial = TestTrials.powerlaw(SPEC, 16, 1, context, 3L * batch * context, batch, 1e-3);
    PowerLawLanguage language = new PowerLawLanguage(SPEC, trial.languageSeed());
    int[] stream = language.generate(trial.tokensTrained() + 1, trial.dataSeed());
    TrialData data = TrialData.forTrial(trial, CONF);
    assertEquals(language.entropyRate(), data.entropyFloor(), 0.0);
    assertEquals(SPEC.vocab(), data.vocab());
    long[] inputs = new long[batch * context];
    long[] labels = new long[batch * context];
    for (int step = 0; step < 3; step++) {
      data.nextTrainBatch(inputs, labels);
      for (int row = 0; row < batch; row++) {
        int start = (step * batch + row) * context;
        long[] expected = Arrays.stream(stream, start, start + context).asLongStream().toArray();
        assertArrayEquals(expected, Arrays.copyOfRange(inputs, row * context, (row + 1) * context));
        assertTrue(
            inputs[row * context] < SPEC.markerAlphabet(),
            "window " + (step * batch + row) + " starts with a first marker token");
      }
    }
  }
}
