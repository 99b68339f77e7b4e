package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecDiffTest {
  static SweepSpec spec(String width, String lr, String zipf) {
    return SpecParser.parse(
        """
        name: d
        seed: 1
        data: {source: synthetic, synthetic: {zipf: %s}}
        model: {context: 16, head_size: 16}
        grid: {width: %s, depth: [1], tokens: [8192]}
        training: {batch_size: 8, learning_rate: %s}
        """
            .formatted(zipf, width, lr));
  }

  @Test
  void diff_listsEachChangedLeafWithItsPath() {
    assertEquals(
        List.of(),
        SpecDiff.diff(spec("[16, 32]", "0.003", "1.1"), spec("[16, 32]", "0.003", "1.1")));
    assertEquals(
        List.of(
            "data.synthetic.zipf: 1.1 -> 1.2",
            "grid.width[1]: 32 -> 48",
            "grid.width[2]: (absent) -> 64",
            "training.learning_rate: 0.003 -> 0.001"),
        SpecDiff.diff(spec("[16, 32]", "0.003", "1.1"), spec("[16, 48, 64]", "0.001", "1.2")));
  }
}
