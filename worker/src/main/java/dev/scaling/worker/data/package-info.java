/**
 * Token data for a trial: a seeded synthetic Markov language with an exactly known entropy rate, UTF-8
 * text corpora read through Hadoop FileSystem as bytes, and the training and evaluation windows cut from
 * either.
 */
package dev.scaling.worker.data;
