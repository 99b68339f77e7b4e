/**
 * Trains one trial of a sweep inside a Spark task (or any JVM): {@link
 * dev.scaling.worker.TrialTrainer} turns a {@link dev.scaling.common.trial.Trial} into a {@link
 * dev.scaling.common.trial.TrialResult} with its own training loop on DJL's PyTorch engine, safe to
 * run several at once in one JVM. Its optimizer lives in {@code worker.optim}, its in-trial
 * checkpoints in {@code worker.checkpoint}, and its learning-rate schedules, which need no DJL, in
 * {@code dev.scaling.common.schedule}.
 */
package dev.scaling.worker;
