/**
 * In-trial checkpoints, split by concern: {@link dev.scaling.worker.checkpoint.CheckpointPolicy}
 * says when one is due, {@link dev.scaling.worker.checkpoint.CheckpointStore} where it lives on a
 * Hadoop file system (atomic write, newest valid, clear), and {@link
 * dev.scaling.worker.checkpoint.CheckpointCodec} its bytes ({@link
 * dev.scaling.worker.checkpoint.CheckpointState}: parameters, Adam state, data position, schedule
 * state, run progress). {@link dev.scaling.worker.Checkpoints} bundles policy and store for
 * callers.
 */
package dev.scaling.worker.checkpoint;
