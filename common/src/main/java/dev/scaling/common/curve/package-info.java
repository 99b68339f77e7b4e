/**
 * Whole learning-curve laws: the loss at every step of a run as a function of its learning-rate
 * schedule, fitted on a few runs and used to predict others (other schedules, other cooldown
 * branches, longer horizons). Pure Java: no Spark, no DJL.
 *
 * <p>A {@link dev.scaling.common.curve.Curve} is one run's schedule (knots of step and learning
 * rate, linear between) with its logged losses. A law is a {@link
 * dev.scaling.common.curve.CurveLaw} registered by one constant of {@link
 * dev.scaling.common.curve.CurveLawForm}: the Multi-Power Law of Luo et al. 2025 and the
 * learning-rate annealing law of Tissue et al. 2024. {@link dev.scaling.common.curve.CurveFitter}
 * fits a law by a Huber loss on log residuals from a grid of starts, with bootstrap-over-runs
 * intervals, and {@link dev.scaling.common.curve.CurveFit} predicts any curve, with prediction
 * intervals from the bootstrap draws ({@link
 * dev.scaling.common.curve.CurveFit#predictionInterval}).
 *
 * <h2>Evaluating the Multi-Power Law</h2>
 *
 * <p>With eta_s the rate at step s (linear between rows), S1(t) the sum of eta_i for i from the
 * first row's step to t, g_k = eta_(k-1) - eta_k and G(x) = 1 - (C·x + 1)^(-beta), the law's loss
 * drop is LD(t) = B·D(t), D(t) = sum over k &lt;= t of g_k·G(eta_k^(-gamma)·(S1(t) - S1(k-1))).
 * Summed as written that is O(t) per row and O(rows·t) per curve and evaluation (the paper's
 * cosine_72000 alone: 4e7 terms). The scheme (class {@code DropPlan}) depends on the schedule only,
 * so it is built once per curve:
 *
 * <ol>
 *   <li>The rate, log rate and a compensated prefix sum S1 at every step; steps with rate 0, whose
 *       term is g_k or 0 whatever the parameters, are summed once per row.
 *   <li>The other steps with g_k != 0 are cut into chunks of at most 8 steps of one segment, and a
 *       balanced binary tree is built over them. Each node keeps its centre and half-widths in log
 *       eta and S1 and its moments sum g_k·(log eta_k - centre)^i·(S1(k-1) - centre)^j, i + j &lt;=
 *       6.
 *   <li>A row takes a node whole when the node lies before it, spans at most ±0.45 in log eta, and
 *       its half-width in S1 is at most 0.2 of the distance from its centre to S1(t): the node's
 *       sum is then a Taylor expansion of G (in log x) to total order 6 around the centre, whose
 *       coefficients are the moments times powers of gamma and 1/(S1(t) - centre). Nodes that are
 *       not taken are opened; chunks that are not taken are summed step by step, exactly. A row
 *       thus costs O(log t) nodes plus the few chunks nearest to it.
 *   <li>Far field: the sum over all steps up to a cut (the first row of a stretch where the rate is
 *       constant, and every 64 rows elsewhere) is analytic in the strip |Im w| &lt; pi of w =
 *       log(S1(t) - s_ref), s_ref the S1 before the cut's last decaying step. It is evaluated at 12
 *       Chebyshev points per panel of width 1.5 in w, and the later rows of a panel with at least
 *       24 rows read it by barycentric interpolation, summing only the steps after the cut. A
 *       constant stretch after a warmup then costs a few flops per row.
 * </ol>
 *
 * <p>The derivatives in C, beta and gamma are those of the same approximation, so the optimiser
 * sees one smooth function. Cost, measured on one core: the paper's cosine_24000 (189 rows, 24000
 * steps) 0.9 ms per evaluation with derivatives against 70 ms summed step by step; cosine_72000
 * (564 rows) 2.6 ms against 630 ms; a sweep's WSD curve (1025 rows every 8 steps over 8192, warmup
 * 64 steps from 0, a 20% 1-sqrt cooldown to 0) 0.45 ms against 21 ms.
 *
 * <p>Error: a node's Taylor truncation is about (|delta|/pi)^7 of its sum at worst, |delta| the
 * spread of log x over the node (G is analytic in a strip of half-width pi in log x), measured at
 * 1e-8 to 3e-8 of a node's sum at the admitted spreads; the interpolation's is about 8.5^(-12),
 * 1e-11 of the far field. Against the step-by-step sum, the predicted loss agrees within 2e-10 of
 * the loss on the curves above at the paper's 25M parameters, D within 1e-8 of its largest value
 * and its derivatives within 5e-7 of theirs (tests assert 1e-9 of the loss against an independent
 * per-step evaluation on schedules of every shape: warmup from 0, cosine knots, a one-step drop, a
 * cooldown to 0, long segments, a zero rate).
 *
 * <h2>The annealing law</h2>
 *
 * <p>Its S1 and S2 (with the warmup taken at the peak rate, as Tissue's reference script does)
 * depend on no fitted parameter: they are computed at every row in one pass over the steps, and an
 * evaluation is O(rows).
 */
package dev.scaling.common.curve;
