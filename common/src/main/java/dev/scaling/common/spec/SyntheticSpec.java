package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.source.SourceSettings;
import dev.scaling.common.source.SyntheticKind;

/**
 * Shape of the synthetic language: an order-{@code order} Markov source over {@code vocab} tokens
 * whose next-token distributions have {@code branching} successors drawn Zipf({@code zipf})-biased,
 * so context frequencies are heavy-tailed and bigger models and more data keep lowering the loss
 * toward the floor.
 */
public record SyntheticSpec(int vocab, int order, int branching, double zipf)
    implements SourceSettings {

  /** Defaults used when the spec names no {@code data.synthetic} block. */
  public static final SyntheticSpec DEFAULT = new SyntheticSpec(64, 2, 8, 1.1);

  public SyntheticSpec {
    require(vocab >= 2 && vocab <= 256, "data.synthetic.vocab", "in [2, 256]", vocab);
    require(order >= 1 && order <= 3, "data.synthetic.order", "in [1, 3]", order);
    require(
        branching >= 1 && branching <= vocab,
        "data.synthetic.branching",
        "in [1, data.synthetic.vocab (" + vocab + ")]",
        branching);
    require(Double.isFinite(zipf) && zipf >= 0, "data.synthetic.zipf", "finite and >= 0", zipf);
    require(
        Math.pow(vocab, order) <= 1 << 20,
        "data.synthetic.order",
        "small enough that vocab^order <= 1048576 contexts (vocab " + vocab + ")",
        order);
  }

  /** Walked as {@code data.synthetic.*}: the source's name. */
  @Override
  public String walkKey() {
    return SyntheticKind.NAME;
  }
}
