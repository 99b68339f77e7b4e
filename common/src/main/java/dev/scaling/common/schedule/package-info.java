/**
 * Learning-rate schedules: pure, step-indexed functions from an optimizer step to its learning
 * rate, chosen by {@code training.schedule} in the sweep spec. Each schedule is a {@link
 * dev.scaling.common.schedule.ScheduleKind} that parses its own settings ({@link
 * dev.scaling.common.schedule.ScheduleSettings}) and says whether its runs fork off a trunk; {@link
 * dev.scaling.common.schedule.Schedules} is the registry (one {@code register} call per kind);
 * {@link dev.scaling.common.schedule.CosineSchedule} is the default. They live in {@code common},
 * free of DJL, so the spec parser and the planner can use them too.
 */
package dev.scaling.common.schedule;
