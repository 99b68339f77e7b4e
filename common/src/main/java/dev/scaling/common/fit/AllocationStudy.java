package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The compute-optimal allocation of one table by several {@link ApproachKind approaches} side by
 * side, the approaches that could not apply and why, the design checks, and the variable-projection
 * cross-check of the parametric fit.
 *
 * @param study what the approaches read
 * @param estimates one allocation per approach that applied, in the order asked
 * @param skipped the approaches asked for that did not apply, each with a one-line reason
 * @param checks design checks and the approaches' agreement
 * @param crossCheck the variable-projection cross-check of the Chinchilla fit, null when the
 *     parametric approach was not asked for or the law was not fitted
 */
public record AllocationStudy(
    Study study,
    List<Allocation> estimates,
    List<Skipped> skipped,
    List<DesignCheck> checks,
    VariableProjection.Check crossCheck) {
  /** |alpha - beta| below this draws the alpha-near-beta check. */
  public static final double NEAR = 0.05;

  /** A spread of log10(D/N) below this (a factor of 10) draws the tokens-per-parameter check. */
  public static final double MIN_TPP_SPREAD_LOG10 = 1;

  /** N_opt at the target within this factor across approaches counts as agreement. */
  public static final double AGREE_FACTOR = 1.25;

  public AllocationStudy {
    estimates = List.copyOf(estimates);
    skipped = List.copyOf(skipped);
    checks = List.copyOf(checks);
  }

  /** An approach that did not apply, and why in one line. */
  public record Skipped(ApproachKind approach, String reason) {}

  /** The estimate of {@code kind}, or null when it was not asked for or did not apply. */
  public Allocation estimate(ApproachKind kind) {
    return estimates.stream().filter(e -> e.approach() == kind).findFirst().orElse(null);
  }

  /**
   * Runs {@code kinds} over {@code analysis}'s rows, with {@code givenCompute} (one value per row)
   * or 6ND when null; an approach that does not apply is listed with its reason and the others
   * still run.
   */
  public static AllocationStudy run(
      ScalingAnalysis analysis, List<Double> givenCompute, List<ApproachKind> kinds) {
    Study s = Study.of(analysis, givenCompute);
    List<Allocation> est = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (ApproachKind k : kinds) {
      try {
        est.add(k.approach().estimate(k, s));
      } catch (Approach.NotApplicable e) {
        skipped.add(new Skipped(k, e.getMessage()));
      }
    }
    VariableProjection.Check vp = null;
    LawFit chin = analysis.fit(LawForm.CHINCHILLA);
    if (kinds.contains(ApproachKind.PARAMETRIC) && chin != null) {
      vp = VariableProjection.check(analysis.points(), chin.fit());
    }
    return new AllocationStudy(s, est, skipped, checks(s, est, chin, vp), vp);
  }

  /** The design checks of the study and the approaches' agreement. */
  static List<DesignCheck> checks(
      Study s, List<Allocation> est, LawFit chin, VariableProjection.Check vp) {
    List<DesignCheck> out = new ArrayList<>();
    for (Budget b : s.budgets()) {
      int[] rows = b.rows().stream().mapToInt(i -> i).toArray();
      Allocation.Profile p = IsoFlopApproach.profile(s, b.compute(), rows);
      if (p == null) {
        continue;
      }
      double nMin = p.n().get(0);
      double nMax = p.n().get(p.n().size() - 1);
      if (p.atEdge()) {
        int best = 0;
        for (int i = 1; i < p.loss().size(); i++) {
          if (p.loss().get(i) < p.loss().get(best)) {
            best = i;
          }
        }
        boolean low = p.n().get(best) <= nMin * (1 + 1e-9) || p.position() <= 0;
        out.add(
            new DesignCheck(
                DesignCheck.Kind.VERTEX_AT_EDGE,
                String.format(
                    Locale.ROOT,
                    "budget C=%.3g: the lowest loss is at the grid's %s N (%.3g of %.3g to %.3g), so its"
                        + " vertex is left out; extend the budget's grid to %s N",
                    b.compute(),
                    low ? "smallest" : "largest",
                    p.n().get(best),
                    nMin,
                    nMax,
                    low ? "smaller" : "larger")));
      } else if (p.offCentre()) {
        out.add(
            new DesignCheck(
                DesignCheck.Kind.OFF_CENTRE,
                String.format(
                    Locale.ROOT,
                    "budget C=%.3g: the vertex N*=%.3g lies at %.2f of the grid's log N range (%.3g to"
                        + " %.3g), outside its middle third; the parabola's vertex is then biased:"
                        + " centre the grid on it",
                    b.compute(),
                    p.vertexN(),
                    p.position(),
                    nMin,
                    nMax)));
      }
    }
    double[] tpp =
        s.points().stream().mapToDouble(p -> Math.log10(p.d() / p.n())).sorted().toArray();
    if (tpp.length > 1 && tpp[tpp.length - 1] - tpp[0] < MIN_TPP_SPREAD_LOG10) {
      out.add(
          new DesignCheck(
              DesignCheck.Kind.TOKENS_PER_PARAM_VARIETY,
              String.format(
                  Locale.ROOT,
                  "tokens per parameter span only %.3g to %.3g (a factor %.2f, under 10): the"
                      + " parametric fit cannot tell alpha from beta well; vary D/N more",
                  Math.pow(10, tpp[0]),
                  Math.pow(10, tpp[tpp.length - 1]),
                  Math.pow(10, tpp[tpp.length - 1] - tpp[0]))));
    }
    if (chin != null && chin.fit().params() instanceof ChinchillaParams c) {
      if (Math.abs(c.alpha() - c.beta()) < NEAR) {
        out.add(
            new DesignCheck(
                DesignCheck.Kind.ALPHA_NEAR_BETA,
                String.format(
                    Locale.ROOT,
                    "alpha=%.3f and beta=%.3f differ by %.3f (< %.2f): A and B are poorly"
                        + " identified (the conditioning worsens as 1/(alpha-beta)^2), so the"
                        + " parametric G and N_opt are uncertain even where a is not",
                    c.alpha(),
                    c.beta(),
                    Math.abs(c.alpha() - c.beta()),
                    NEAR)));
      }
    }
    if (chin != null && chin.fit().isAtBound()) {
      out.add(
          new DesignCheck(
              DesignCheck.Kind.AT_BOUND,
              "the Chinchilla fit is at bound ("
                  + chin.fit().boundNote()
                  + "): the data do not support that part of the law, and the parametric"
                  + " allocation is "
                  + (chin.computeOptimal().isPresent() ? "shown with care" : "not defined")));
    }
    if (vp != null && !vp.agrees()) {
      out.add(new DesignCheck(DesignCheck.Kind.VARIABLE_PROJECTION_DISAGREES, vp.message()));
    }
    if (est.size() >= 2) {
      out.add(spread(s, est));
    }
    return out;
  }

  private static DesignCheck spread(Study s, List<Allocation> est) {
    Allocation loA = est.stream().min(Comparator.comparingDouble(Allocation::a)).orElseThrow();
    Allocation hiA = est.stream().max(Comparator.comparingDouble(Allocation::a)).orElseThrow();
    Allocation loN = est.stream().min(Comparator.comparingDouble(Allocation::nOpt)).orElseThrow();
    Allocation hiN = est.stream().max(Comparator.comparingDouble(Allocation::nOpt)).orElseThrow();
    double factor = hiN.nOpt() / loN.nOpt();
    String meaning =
        factor <= AGREE_FACTOR
            ? String.format(
                Locale.ROOT,
                "the approaches agree: at C=%.3g the compute-optimal model size is known to"
                    + " within a factor %.2f",
                s.targetCompute(),
                factor)
            : String.format(
                Locale.ROOT,
                "the approaches disagree: at C=%.3g they put the compute-optimal model size a"
                    + " factor %.2f apart, so trust the allocation only to that factor and read the"
                    + " design checks above",
                s.targetCompute(),
                factor);
    return new DesignCheck(
        DesignCheck.Kind.APPROACH_SPREAD,
        String.format(
            Locale.ROOT,
            "a ranges from %.4f (%s) to %.4f (%s), a spread of %.4f; N_opt at C=%.3g from %.4g (%s)"
                + " to %.4g (%s): %s",
            loA.a(),
            loA.approach().label(),
            hiA.a(),
            hiA.approach().label(),
            hiA.a() - loA.a(),
            s.targetCompute(),
            loN.nOpt(),
            loN.approach().label(),
            hiN.nOpt(),
            hiN.approach().label(),
            meaning),
        factor > AGREE_FACTOR);
  }

  /** The approaches' values of a, for tests and messages. */
  public double[] exponents() {
    return estimates.stream().mapToDouble(Allocation::a).toArray();
  }

  @Override
  public String toString() {
    return "AllocationStudy" + Arrays.toString(exponents());
  }
}
