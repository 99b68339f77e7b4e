package dev.scaling.common.spec;

import java.io.Serializable;

/**
 * The settings record of one kind of a registry (a schedule's, say): the kind parses and validates
 * it from its own YAML, and the spec holds it beside the kind's name, so a new kind with settings
 * needs no field in the spec's records. The configuration walk lists its fields under {@link
 * #walkKey()} (with no {@code #type} leaf), so the trial id of a kind's settings depends on the
 * kind's name and the record's fields, never on the Java class holding them.
 */
public interface KindSettings extends Serializable {
  /**
   * The key the configuration walk and spec diffs list this record's fields under, e.g. {@code wsd}
   * for {@code training.wsd.cooldown_fraction}: the name of the kind that owns it.
   */
  String walkKey();
}
