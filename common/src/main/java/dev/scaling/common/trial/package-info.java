/**
 * What driver and worker exchange: a {@link dev.scaling.common.trial.Trial} goes out to a task, a
 * {@link dev.scaling.common.trial.TrialResult} comes back. Plain serializable records, no Spark, no
 * DJL.
 */
package dev.scaling.common.trial;
