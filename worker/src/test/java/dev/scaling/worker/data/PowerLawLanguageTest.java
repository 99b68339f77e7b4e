package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.PowerLawSpec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerLawLanguageTest {
  private static final PowerLawSpec NOISY = new PowerLawSpec(400, 6, 12, 3, 0.5, 0.1);

  /**
   * The exact entropy rate equals the mean log loss of the true conditional probabilities on a long
   * stream, computed here token by token from the language's tables (not from its closed form).
   */
  @Test
  void entropyRate_matchesTheTrueModelsMeanLogLossOnALongStream() {
    PowerLawLanguage language = new PowerLawLanguage(NOISY, 11);
    Map<Long, Integer> rankOfMarker = new HashMap<>();
    for (int k = 0; k < NOISY.skills(); k++) {
      int[] m = language.marker(k);
      rankOfMarker.put(((long) m[0] << 32) | m[1], k);
    }
    int length = NOISY.segmentLength();
    int[] stream = language.generate(200_000L * length, 5);
    double sum = 0;
    double squares = 0;
    int segments = stream.length / length;
    for (int s = 0; s < segments; s++) {
      int at = s * length;
      int rank = rankOfMarker.get(((long) stream[at] << 32) | stream[at + 1]);
      double nats = -Math.log(language.skillProbability(rank));
      for (int i = 0; i < NOISY.pairs(); i++) {
        int x = stream[at + 2 + 2 * i] - language.inputToken(0);
        int y = stream[at + 3 + 2 * i] - language.outputToken(0);
        double noise = NOISY.noise();
        double p = (y == language.rule(rank, x) ? 1 - noise : 0) + noise / NOISY.outputs();
        nats += Math.log(NOISY.inputs()) - Math.log(p);
      }
      double perToken = nats / length;
      sum += perToken;
      squares += perToken * perToken;
    }
    double mean = sum / segments;
    double stderr = Math.sqrt((squares / segments - mean * mean) / segments);
    assertEquals(language.entropyRate(), mean, 4 * stderr, "stderr " + stderr);
  }

  @Test
  void skillEntropy_isTheEntropyOfTheNormalisedZipfLaw() {
    PowerLawLanguage language = new PowerLawLanguage(NOISY, 3);
    double z = 0;
    for (int k = 1; k <= 400; k++) {
      z += Math.pow(k, -1.5);
    }
    double h = 0;
    for (int k = 1; k <= 400; k++) {
      double p = Math.pow(k, -1.5) / z;
      h -= p * Math.log(p);
    }
    assertEquals(h, language.skillEntropy(), 1e-9);
    double m = 12;
    double hit = 0.9 + 0.1 / m;
    double miss = 0.1 / m;
    assertEquals(
        -hit * Math.log(hit) - (m - 1) * miss * Math.log(miss), language.outputEntropy(), 1e-12);
  }

  /** Counted skill frequencies fall as rank^-(1 + exponent): the log-log slope of the top ranks. */
  @Test
  void generate_skillFrequenciesFollowTheZipfExponent() {
    PowerLawLanguage language = new PowerLawLanguage(NOISY, 21);
    int length = NOISY.segmentLength();
    int[] stream = language.generate(300_000L * length, 9);
    Map<Long, Integer> counts = new HashMap<>();
    for (int at = 0; at < stream.length; at += length) {
      counts.merge(((long) stream[at] << 32) | stream[at + 1], 1, Integer::sum);
    }
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int n = 30;
    for (int k = 0; k < n; k++) {
      int[] m = language.marker(k);
      double x = Math.log(k + 1);
      double y = Math.log(counts.getOrDefault(((long) m[0] << 32) | m[1], 1));
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    assertEquals(-1.5, slope, 0.05);
  }

  @Test
  void generate_writesWholeSegmentsInTheirTokenRanges() {
    PowerLawLanguage language = new PowerLawLanguage(NOISY, 1);
    int a = NOISY.markerAlphabet();
    int[] stream = language.generate(8 * 1000, 2);
    for (int at = 0; at < stream.length; at += 8) {
      assertTrue(stream[at] >= 0 && stream[at] < a, "first marker " + stream[at]);
      assertTrue(stream[at + 1] >= a && stream[at + 1] < 2 * a, "second marker");
      for (int i = 0; i < 3; i++) {
        int x = stream[at + 2 + 2 * i];
        int y = stream[at + 3 + 2 * i];
        assertTrue(x >= 2 * a && x < 2 * a + 6, "input " + x);
        assertTrue(y >= 2 * a + 6 && y < NOISY.vocab(), "output " + y);
      }
    }
    assertArrayEquals(stream, language.generate(8 * 1000, 2), "same seed, same stream");
  }

  @Test
  void markers_nameDistinctSkills() {
    PowerLawLanguage language = new PowerLawLanguage(NOISY, 4);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int k = 0; k < NOISY.skills(); k++) {
      int[] m = language.marker(k);
      assertTrue(seen.add(((long) m[0] << 32) | m[1]), "marker of skill " + k + " repeats");
    }
  }
}
