package dev.scaling.worker.data;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.PowerLawSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded instance of the power-law source ({@link PowerLawSpec}): Zipf-distributed skills, each
 * with its own random rule, written as independent segments {@code [m1][m2] x1 y1 ... xr yr}.
 *
 * <p>Token ids: the first marker symbol in [0, a), the second in [a, 2a), inputs in [2a, 2a +
 * inputs), outputs after them. Skill k (rank 0 is the most frequent) has probability ∝ (k + 1)^-(1
 * + exponent) and a marker pair drawn without replacement from the a x a pairs, so the marker names
 * the skill. Inputs are uniform; the output of input x is the skill's rule f_k(x), except with
 * probability {@code noise} a uniform output.
 *
 * <p>Because segments are independent and a stream is a whole number of segments, the exact
 * conditional entropy of every token given everything before it depends only on its phase in the
 * segment: H(m1) for the first marker, H(m2 | m1) for the second (together the entropy of the skill
 * distribution), ln(inputs) for an input and the noise entropy h for an output. Their mean over the
 * segment is the entropy rate: the loss floor no model can beat. A window whose length is a
 * multiple of the segment and that starts at a segment boundary sees each phase equally often as a
 * label, so its Bayes loss is exactly this floor.
 */
public final class PowerLawLanguage {
  private static final int CACHE_SIZE = 4;
  private static final Map<Key, PowerLawLanguage> CACHE = new LinkedHashMap<>(8, 0.75f, true);

  private final PowerLawSpec spec;
  private final int alphabet;
  private final double[] cumulative;
  private final double[] probabilities;
  private final int[] markers;
  private final int[] rules;

  private record Key(PowerLawSpec spec, long seed) {}

  /** Builds the language of {@code spec} with structure seed {@code seed} (marker pairs, rules). */
  public PowerLawLanguage(PowerLawSpec spec, long seed) {
    this.spec = Objects.requireNonNull(spec, "spec");
    alphabet = spec.markerAlphabet();
    int skills = spec.skills();
    probabilities = new double[skills];
    double total = 0;
    for (int k = 0; k < skills; k++) {
      probabilities[k] = Math.pow(k + 1, -(1 + spec.exponent()));
      total += probabilities[k];
    }
    cumulative = new double[skills];
    double running = 0;
    for (int k = 0; k < skills; k++) {
      probabilities[k] /= total;
      running += probabilities[k];
      cumulative[k] = running;
    }
    cumulative[skills - 1] = 1.0;
    SplittableRandom random = new SplittableRandom(seed);
    int pairs = alphabet * alphabet;
    int[] order = new int[pairs];
    for (int i = 0; i < pairs; i++) {
      order[i] = i;
    }
    markers = new int[skills];
    for (int k = 0; k < skills; k++) {
      int j = k + random.nextInt(pairs - k);
      int swap = order[k];
      order[k] = order[j];
      order[j] = swap;
      markers[k] = order[k];
    }
    rules = new int[skills * spec.inputs()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = random.nextInt(spec.outputs());
    }
  }

  /** The language of ({@code spec}, {@code seed}) from a small per-JVM cache. */
  public static PowerLawLanguage of(PowerLawSpec spec, long seed) {
    Key key = new Key(spec, seed);
    synchronized (CACHE) {
      PowerLawLanguage language = CACHE.get(key);
      if (language == null) {
        language = new PowerLawLanguage(spec, seed);
        CACHE.put(key, language);
        if (CACHE.size() > CACHE_SIZE) {
          CACHE.remove(CACHE.keySet().iterator().next());
        }
      }
      return language;
    }
  }

  /** The shape this language was built from. */
  public PowerLawSpec spec() {
    return spec;
  }

  /** Probability of skill {@code rank} (0 is the most frequent). */
  public double skillProbability(int rank) {
    return probabilities[rank];
  }

  /** Marker token ids {m1, m2} of skill {@code rank}. */
  public int[] marker(int rank) {
    int pair = markers[rank];
    return new int[] {pair / alphabet, alphabet + pair % alphabet};
  }

  /** Token id of input symbol {@code x}. */
  public int inputToken(int x) {
    return 2 * alphabet + x;
  }

  /** Token id of output symbol {@code y}. */
  public int outputToken(int y) {
    return 2 * alphabet + spec.inputs() + y;
  }

  /** The rule's output symbol for input symbol {@code x} of skill {@code rank}. */
  public int rule(int rank, int x) {
    return rules[rank * spec.inputs() + x];
  }

  /** Entropy (nats) of the skill distribution: the two marker tokens of a segment together. */
  public double skillEntropy() {
    double h = 0;
    for (double p : probabilities) {
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  /** Entropy (nats) of an output given its skill and input: the noise's contribution. */
  public double outputEntropy() {
    double noise = spec.noise();
    if (noise == 0) {
      return 0;
    }
    int m = spec.outputs();
    double hit = 1 - noise + noise / m;
    double miss = noise / m;
    return -hit * Math.log(hit) - (m - 1) * miss * Math.log(miss);
  }

  /**
   * The exact entropy rate (nats/token): (H(skill) + pairs x (ln inputs + h)) / segment length, the
   * loss of the Bayes predictor on windows aligned to segments.
   */
  public double entropyRate() {
    int pairs = spec.pairs();
    return (skillEntropy() + pairs * (Math.log(spec.inputs()) + outputEntropy()))
        / spec.segmentLength();
  }

  /**
   * {@code n} tokens of the stream seeded by {@code seed}; {@code n} is rounded up to whole
   * segments internally and the stream starts at a segment boundary.
   */
  public int[] generate(long n, long seed) {
    InvariantViolation.check(n >= 0 && n < Integer.MAX_VALUE - 1024, "stream of " + n + " tokens");
    int length = spec.segmentLength();
    int[] out = new int[(int) n];
    int[] segment = new int[length];
    SplittableRandom random = new SplittableRandom(seed);
    for (int at = 0; at < n; at += length) {
      writeSegment(random, segment);
      System.arraycopy(segment, 0, out, at, (int) Math.min(length, n - at));
    }
    return out;
  }

  private void writeSegment(SplittableRandom random, int[] segment) {
    int rank = sampleSkill(random.nextDouble());
    int pair = markers[rank];
    segment[0] = pair / alphabet;
    segment[1] = alphabet + pair % alphabet;
    for (int i = 0; i < spec.pairs(); i++) {
      int x = random.nextInt(spec.inputs());
      int y = rules[rank * spec.inputs() + x];
      if (spec.noise() > 0 && random.nextDouble() < spec.noise()) {
        y = random.nextInt(spec.outputs());
      }
      segment[2 + 2 * i] = inputToken(x);
      segment[3 + 2 * i] = outputToken(y);
    }
  }

  private int sampleSkill(double u) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
