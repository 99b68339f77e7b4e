package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SyntheticSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticLanguageTest {
  @Test
  void entropyRate_matchesMonteCarloEstimate() {
    for (SyntheticSpec spec :
        new SyntheticSpec[] {new SyntheticSpec(16, 2, 4, 1.1), SyntheticSpec.DEFAULT}) {
      SyntheticLanguage language = new SyntheticLanguage(spec, 3L);
      double estimate = language.crossEntropy(language.generate(2_000_000, 99L));
      assertEquals(language.entropyRate(), estimate, 0.01, spec.toString());
      assertTrue(language.entropyRate() > 0 && language.entropyRate() < Math.log(spec.vocab()));
    }
  }

  @Test
  void generate_isDeterministicPerSeed() {
    SyntheticLanguage language = new SyntheticLanguage(new SyntheticSpec(32, 2, 4, 1.0), 1L);
    byte[] a = language.generate(10_000, 5L);
    assertArrayEquals(a, language.generate(10_000, 5L));
    assertFalse(Arrays.equals(a, language.generate(10_000, 6L)));
    for (byte token : a) {
      assertTrue((token & 0xFF) < 32);
    }
    SyntheticLanguage same = new SyntheticLanguage(new SyntheticSpec(32, 2, 4, 1.0), 1L);
    assertEquals(language.entropyRate(), same.entropyRate());
    assertArrayEquals(a, same.generate(10_000, 5L));
  }

  @Test
  void entropyRate_growsWithBranching() {
    double narrow = new SyntheticLanguage(new SyntheticSpec(32, 1, 2, 1.0), 1L).entropyRate();
    double wide = new SyntheticLanguage(new SyntheticSpec(32, 1, 16, 1.0), 1L).entropyRate();
    assertTrue(narrow < wide, narrow + " vs " + wide);
  }

  @Test
  void of_sharesOneLanguagePerSpecAndSeed() {
    SyntheticSpec spec = new SyntheticSpec(8, 1, 2, 0.5);
    assertSame(SyntheticLanguage.of(spec, 4L), SyntheticLanguage.of(spec, 4L));
  }
}
