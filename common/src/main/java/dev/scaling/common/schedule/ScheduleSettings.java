package dev.scaling.common.schedule;

import dev.scaling.common.spec.KindSettings;

/**
 * The settings of one schedule beyond those every schedule shares ({@code training.learning_rate},
 * {@code training.min_lr_fraction}, ...), parsed by its {@link ScheduleKind} and held by {@link
 * dev.scaling.common.spec.TrainingSpec#settings()}. Its walk key is the schedule's name.
 */
public interface ScheduleSettings extends KindSettings {}
