package dev.scaling.driver.sweep;

import dev.scaling.common.spec.SweepSpec;
import dev.scaling.driver.plan.Plan;
import java.util.Objects;

/**
 * A spec as read and planned: its text (written to {@code OUT/spec.yaml} as run), the parsed spec
 * with its corpus locations made absolute, and the plan of every trial.
 *
 * @param text the spec file's text
 * @param spec the validated spec, corpus URIs qualified
 * @param plan every trial of the spec, most expensive first
 */
public record LoadedSweep(String text, SweepSpec spec, Plan plan) {
  public LoadedSweep {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(plan, "plan");
  }
}
