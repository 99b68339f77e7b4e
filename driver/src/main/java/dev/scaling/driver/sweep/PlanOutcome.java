package dev.scaling.driver.sweep;

import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.power.DesignRow;
import dev.scaling.driver.power.PowerResult;
import java.util.List;

/**
 * What {@code plan} found.
 *
 * @param plan the planned trials
 * @param design the rows the fit will see (learning-rate siblings merged)
 * @param power the simulation's result; null without --power
 * @param printed the text to print: the plan, the design and the power result
 */
public record PlanOutcome(Plan plan, List<DesignRow> design, PowerResult power, String printed) {
  public PlanOutcome {
    design = List.copyOf(design);
  }
}
