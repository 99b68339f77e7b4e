/**
 * The optimizer of a training run: {@link dev.scaling.worker.optim.Adam} updates parameters in
 * place on the engine's fused kernel, its moments and step count live in {@link
 * dev.scaling.worker.optim.AdamState} (which checkpoints save and restore), and {@link
 * dev.scaling.worker.optim.GlobalNormClip} bounds the gradients before the update. {@link
 * dev.scaling.worker.optim.NoiseScale} estimates the gradient noise scale from the squared norms
 * {@link dev.scaling.worker.optim.GradientNorms} reads.
 */
package dev.scaling.worker.optim;
