/**
 * Critical batch size and the laws built on it (Kaplan et al. 2020, Section 5; McCandlish et al.
 * 2018): the steps/examples trade-off S = S_min + E_min / B fitted per (group, target loss) with
 * B_crit = E_min / S_min ({@link dev.scaling.common.batch.CriticalBatchFitter}), the critical batch
 * across targets B_crit(L) = B_* / L^(1/alpha_B) ({@link dev.scaling.common.batch.BcritLaw}) and
 * loss against model size and minimum steps L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S
 * ({@link dev.scaling.common.batch.KaplanSLaw}), each with bootstrap percentile intervals. Pure
 * Java: no Spark, no DJL.
 */
package dev.scaling.common.batch;
