package dev.scaling.common.spec;

/**
 * A configuration record that the configuration walk (trial ids, spec diffs) lists through another
 * record, its walk form, instead of its own components: a legacy-compat hook, so a record may be
 * reshaped (a kind's settings moved into the kind's own record) while the leaves it contributes to
 * trial ids stay exactly those it had, in the same order, and no committed id changes.
 */
public interface WalkForm {
  /**
   * The record walked in place of this one, with no {@code #type} leaf: its components give the
   * leaves, named and ordered as they are declared.
   */
  Record walkForm();
}
