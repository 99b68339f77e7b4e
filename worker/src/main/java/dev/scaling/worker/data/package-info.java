/**
 * Token data for a trial. {@link dev.scaling.worker.data.TokenSource} is the seam: a kind of data
 * chosen by {@code data.source} through {@link dev.scaling.worker.data.DataSources} (a seeded
 * synthetic Markov language with an exactly known entropy rate, and UTF-8 text corpora read through
 * Hadoop FileSystem and tokenised), which checks its input before a sweep starts and cuts each
 * trial's training and held-out windows; {@link dev.scaling.worker.data.TrialData} serves them in
 * batches.
 */
package dev.scaling.worker.data;
