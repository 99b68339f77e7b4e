/**
 * The optimizer of a training run: {@link dev.scaling.worker.optim.Adam} updates parameters in
 * place on the engine's fused kernel, its moments and step count live in {@link
 * dev.scaling.worker.optim.AdamState} (which checkpoints save and restore), and {@link
 * dev.scaling.worker.optim.GlobalNormClip} bounds the gradients before the update.
 */
package dev.scaling.worker.optim;
