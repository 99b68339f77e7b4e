package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.source.PowerLawKind;
import dev.scaling.common.source.SourceSettings;

/**
 * Shape of the power-law source ({@code data.source: powerlaw}): a stream of independent segments,
 * each naming one of {@code skills} sub-languages ("skills") by a two-token marker and then showing
 * {@code pairs} (input, output) pairs of that skill's private rule, a random map from {@code
 * inputs} input symbols to {@code outputs} output symbols. Skills are drawn with Zipf frequencies
 * p_k ∝ k^-(1 + {@code exponent}), so ever rarer skills cost a model ever more capacity and
 * examples: the loss falls as a power law in N with exponent {@code exponent} and in D with
 * exponent {@code exponent / (1 + exponent)} (Michaud et al. 2023; Hutter 2021), toward an entropy
 * floor known exactly. With probability {@code noise} an output is instead uniform over the output
 * symbols.
 *
 * @param skills number of skills (at least 2; the marker alphabet is the smallest a with a^2 >=
 *     skills)
 * @param inputs input symbols of every rule
 * @param outputs output symbols of every rule
 * @param pairs (input, output) pairs per segment; a segment is 2 + 2 x pairs tokens
 * @param exponent Zipf exponent minus one: the designed loss exponent in N
 * @param noise chance that an output ignores its rule, in [0, 1)
 */
public record PowerLawSpec(
    int skills, int inputs, int outputs, int pairs, double exponent, double noise)
    implements SourceSettings {

  /** Defaults used when a powerlaw sweep names no {@code data.powerlaw} block. */
  public static final PowerLawSpec DEFAULT = new PowerLawSpec(4096, 8, 32, 3, 0.5, 0.0);

  /** Largest vocabulary the source may need (2 marker alphabets, inputs, outputs). */
  public static final int MAX_VOCAB = 1 << 16;

  public PowerLawSpec {
    require(skills >= 2 && skills <= 1 << 20, "data.powerlaw.skills", "in [2, 1048576]", skills);
    require(inputs >= 1 && inputs <= 4096, "data.powerlaw.inputs", "in [1, 4096]", inputs);
    require(outputs >= 2 && outputs <= 4096, "data.powerlaw.outputs", "in [2, 4096]", outputs);
    require(pairs >= 1 && pairs <= 64, "data.powerlaw.pairs", "in [1, 64]", pairs);
    require(
        Double.isFinite(exponent) && exponent > 0 && exponent <= 4,
        "data.powerlaw.exponent",
        "in (0, 4]",
        exponent);
    require(noise >= 0 && noise < 1, "data.powerlaw.noise", "in [0, 1)", noise);
    require(
        (long) skills * inputs <= 1 << 24,
        "data.powerlaw.skills",
        "small enough that skills x inputs (" + inputs + ") <= 16777216 rule entries",
        skills);
  }

  /** Size of each of the two marker alphabets: the smallest a with a x a >= skills. */
  public int markerAlphabet() {
    int a = (int) Math.ceil(Math.sqrt(skills));
    while ((long) (a - 1) * (a - 1) >= skills) {
      a--;
    }
    while ((long) a * a < skills) {
      a++;
    }
    return a;
  }

  /** Tokens per segment: two marker tokens, then {@code pairs} (input, output) pairs. */
  public int segmentLength() {
    return 2 + 2 * pairs;
  }

  /** Vocabulary a model needs: both marker alphabets, the inputs and the outputs. */
  public int vocab() {
    return 2 * markerAlphabet() + inputs + outputs;
  }

  /** The loss exponent in parameters this source is designed to show (Michaud et al.: alpha). */
  public double designedNExponent() {
    return exponent;
  }

  /**
   * The loss exponent in training tokens this source is designed to show (Michaud et al.: alpha /
   * (1 + alpha)).
   */
  public double designedDExponent() {
    return exponent / (1 + exponent);
  }

  /** Walked as {@code data.powerlaw.*}: the source's name. */
  @Override
  public String walkKey() {
    return PowerLawKind.NAME;
  }
}
