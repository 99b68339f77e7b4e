/**
 * Design power before compute: simulates a planned grid under an assumed Chinchilla law plus
 * evaluation noise, fits every simulated sweep as the real one would be fitted, and states the
 * expected interval widths and biases of alpha, beta, E, a and N_opt. No Spark, no training.
 */
package dev.scaling.driver.power;
