/**
 * Learning-rate schedules: pure, step-indexed functions from an optimizer step to its learning
 * rate, chosen by {@code training.schedule} in the sweep spec. {@link
 * dev.scaling.common.schedule.Schedules} is the registry (one line per schedule); {@link
 * dev.scaling.common.schedule.CosineSchedule} is the default. They live in {@code common}, free of
 * DJL, so the spec parser and the planner can use them too.
 */
package dev.scaling.common.schedule;
