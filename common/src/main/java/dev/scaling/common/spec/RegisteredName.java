package dev.scaling.common.spec;

/**
 * A name chosen from a registry that {@code common} cannot see (a data source, a tokenizer), held
 * as a value so specs can carry it. The trial id's configuration walk treats it as one leaf, its
 * quoted {@link #name()}, and spec diffs print it as that name.
 */
public interface RegisteredName {
  /** The name as the user writes it in YAML. */
  String name();
}
