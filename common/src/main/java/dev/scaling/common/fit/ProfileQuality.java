package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How far an IsoFLOP study's profiles can be trusted, in units of the evaluation noise: per budget
 * the worst point's distance from the budget's fitted parabola and whether its vertex is interior,
 * and whether the approaches agree on N_opt at the target compute within {@link #AGREE_FACTOR},
 * with the reasons in words when they do not. These are the figures a reader checks before
 * believing a budget's vertex: a profile that scatters by many times the noise, or whose minimum
 * sits at an edge, does not locate its optimum.
 *
 * @param noise the evaluation noise the distances are measured in (nats, positive)
 * @param budgets one entry per budget with at least three distinct N, in increasing compute
 * @param agreement whether the approaches agree on N_opt at the target compute
 */
public record ProfileQuality(double noise, List<BudgetFit> budgets, Agreement agreement) {
  /** A point farther than this many noises from its budget's parabola makes the profile rough. */
  public static final double SMOOTH_NOISES = 3;

  /** N_opt at the target within this factor across approaches counts as agreement. */
  public static final double AGREE_FACTOR = 1.5;

  public ProfileQuality {
    InvariantViolation.check(
        noise > 0 && Double.isFinite(noise), "noise must be positive and finite, found " + noise);
    budgets = List.copyOf(budgets);
    InvariantViolation.check(agreement != null, "a profile quality needs its agreement");
  }

  /**
   * One budget's profile against its parabola (loss quadratic in log10 N).
   *
   * @param compute the budget in FLOPs
   * @param models model sizes in the profile (replicas of one size are one point, their mean)
   * @param worstN N of the point farthest from the parabola
   * @param worstDistance that point's loss minus the parabola's there (nats; NaN without a
   *     parabola)
   * @param vertexN N at the parabola's vertex, NaN without a minimum
   * @param position where the vertex lies in the budget's log N range (0 smallest, 1 largest)
   * @param interior the vertex is a minimum strictly inside the range and the lowest loss is not at
   *     an edge (the IsoFLOP approach keeps the budget)
   * @param noise the evaluation noise (nats)
   */
  public record BudgetFit(
      double compute,
      int models,
      double worstN,
      double worstDistance,
      double vertexN,
      double position,
      boolean interior,
      double noise) {
    public BudgetFit {
      InvariantViolation.check(
          compute > 0 && models >= IsoFlopApproach.MIN_SIZES,
          "a budget fit needs positive compute and at least "
              + IsoFlopApproach.MIN_SIZES
              + " models, found C="
              + compute
              + " with "
              + models);
      InvariantViolation.check(noise > 0, "noise must be positive, found " + noise);
    }

    /** The worst point's distance from the parabola in units of the noise (NaN without one). */
    public double worstInNoise() {
      return Math.abs(worstDistance) / noise;
    }

    /** Every point lies within {@link #SMOOTH_NOISES} noises of the parabola. */
    public boolean smooth() {
      return worstInNoise() <= SMOOTH_NOISES;
    }

    /** A sentence for people. */
    public String sentence() {
      String fit =
          Double.isNaN(worstDistance)
              ? "no parabola could be fitted"
              : String.format(
                  Locale.ROOT,
                  "worst point N=%.4g is %+.4f nats from its parabola, %.1fx the noise: %s",
                  worstN,
                  worstDistance,
                  worstInNoise(),
                  smooth()
                      ? "smooth"
                      : "rough (over " + fmt(SMOOTH_NOISES) + "x; the vertex moves with noise)");
      String vertex =
          interior
              ? String.format(
                  Locale.ROOT,
                  "vertex N*=%.4g interior (at %.2f of the log N range)",
                  vertexN,
                  position)
              : Double.isNaN(vertexN)
                  ? "no interior minimum (vertex not used)"
                  : String.format(
                      Locale.ROOT,
                      "vertex N*=%.4g not interior (at %.2f of the log N range; not used)",
                      vertexN,
                      position);
      return String.format(
          Locale.ROOT, "budget C=%.3g (%d models): %s; %s", compute, models, fit, vertex);
    }
  }

  /**
   * One approach's N_opt at the target compute.
   *
   * @param approach which approach
   * @param nOpt its N_opt at {@link Agreement#compute()}
   */
  public record Estimate(ApproachKind approach, double nOpt) {}

  /**
   * Whether the approaches agree on N_opt at the target compute.
   *
   * @param compute the target compute (FLOPs)
   * @param estimates each applied approach's N_opt there
   * @param factor largest N_opt over smallest (NaN with fewer than two approaches)
   * @param agrees two or more approaches applied and {@code factor <= AGREE_FACTOR}
   * @param reasons why not, in words (empty when they agree)
   */
  public record Agreement(
      double compute,
      List<Estimate> estimates,
      double factor,
      boolean agrees,
      List<String> reasons) {
    public Agreement {
      estimates = List.copyOf(estimates);
      reasons = List.copyOf(reasons);
    }

    /** A sentence for people, with the reasons when the approaches disagree. */
    public String sentence() {
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT, "N_opt at C=%.3g:", compute));
      for (int i = 0; i < estimates.size(); i++) {
        Estimate e = estimates.get(i);
        s.append(i == 0 ? " " : ", ")
            .append(e.approach().label())
            .append(String.format(Locale.ROOT, " %.4g", e.nOpt()));
      }
      if (estimates.isEmpty()) {
        s.append(" no approach applied");
      }
      if (agrees) {
        s.append(
            String.format(
                Locale.ROOT,
                "; they agree within a factor %.2f (at most %s)",
                factor,
                fmt(AGREE_FACTOR)));
      } else {
        s.append(
            Double.isNaN(factor)
                ? "; no agreement to judge"
                : String.format(
                    Locale.ROOT,
                    "; they do NOT agree within %s: a factor %.2f apart",
                    fmt(AGREE_FACTOR),
                    factor));
        s.append(". Why: ").append(String.join("; ", reasons));
      }
      return s.append('.').toString();
    }
  }

  /** Every budget smooth and interior, and the approaches agree. */
  public boolean meetsBar() {
    return !budgets.isEmpty()
        && budgets.stream().allMatch(b -> b.smooth() && b.interior())
        && agreement.agrees();
  }

  /** The sentences for people: one per budget, the agreement, then the verdict. */
  public List<String> sentences() {
    List<String> out = new ArrayList<>();
    budgets.forEach(b -> out.add(b.sentence()));
    out.add(agreement.sentence());
    out.add(verdict());
    return out;
  }

  /**
   * The verdict in one sentence: what meets the bar and what does not, and when one model size is
   * the worst point of several budgets on the same side of their parabolas, that it is one model's
   * offset repeated (a trunk shared by every budget under wsd repeats its seed's offset in each)
   * rather than scatter within a profile.
   */
  public String verdict() {
    if (meetsBar()) {
      return String.format(
          Locale.ROOT,
          "verdict: every profile within %sx the noise of its parabola, every vertex interior, and"
              + " the approaches agree within %s",
          fmt(SMOOTH_NOISES),
          fmt(AGREE_FACTOR));
    }
    List<String> parts = new ArrayList<>();
    long rough = budgets.stream().filter(b -> !b.smooth()).count();
    long edge = budgets.stream().filter(b -> !b.interior()).count();
    if (rough > 0) {
      parts.add(
          String.format(
              Locale.ROOT,
              "%d of %d budgets rough (%s)",
              rough,
              budgets.size(),
              String.join(
                  ", ",
                  budgets.stream()
                      .filter(b -> !b.smooth())
                      .map(
                          b ->
                              String.format(
                                  Locale.ROOT, "C=%.3g at %.1fx", b.compute(), b.worstInNoise()))
                      .toList())));
    }
    if (edge > 0) {
      parts.add(String.format(Locale.ROOT, "%d of %d vertices not interior", edge, budgets.size()));
    }
    if (!agreement.agrees()) {
      parts.add("the approaches do not agree within " + fmt(AGREE_FACTOR));
    }
    StringBuilder s = new StringBuilder("verdict: ").append(String.join("; ", parts));
    String repeated = repeatedWorst();
    if (repeated != null) {
      s.append(". ").append(repeated);
    }
    return s.toString();
  }

  /**
   * When one N is the worst point of two or more budgets, always on the same side of the parabola,
   * a sentence saying so; else null.
   */
  private String repeatedWorst() {
    for (BudgetFit b : budgets) {
      if (Double.isNaN(b.worstDistance())) {
        continue;
      }
      List<BudgetFit> same =
          budgets.stream()
              .filter(
                  o ->
                      !Double.isNaN(o.worstDistance())
                          && Math.abs(Math.log(o.worstN() / b.worstN())) < 1e-9
                          && Math.signum(o.worstDistance()) == Math.signum(b.worstDistance()))
              .toList();
      if (same.size() >= 2) {
        double lo = same.stream().mapToDouble(BudgetFit::worstDistance).min().orElseThrow();
        double hi = same.stream().mapToDouble(BudgetFit::worstDistance).max().orElseThrow();
        return String.format(
            Locale.ROOT,
            "N=%.4g is the worst point in %d of %d budgets, always %s its parabola (%+.4f to"
                + " %+.4f nats): one model size off by about the same amount in every budget, not"
                + " scatter within a profile; where one trunk serves all budgets of a width (wsd),"
                + " its seed's offset repeats in each, and more seeds per size would average it",
            b.worstN(),
            same.size(),
            budgets.size(),
            b.worstDistance() > 0 ? "above" : "below",
            lo,
            hi);
      }
    }
    return null;
  }

  /**
   * The quality of {@code study}'s IsoFLOP profiles measured in {@code noise} (nats), or null when
   * the study has no budget with {@link IsoFlopApproach#MIN_SIZES} or more distinct N.
   */
  public static ProfileQuality of(AllocationStudy study, double noise) {
    Study s = study.study();
    List<BudgetFit> fits = new ArrayList<>();
    for (Budget b : s.profiles()) {
      int[] rows = b.rows().stream().mapToInt(i -> i).toArray();
      Allocation.Profile p = IsoFlopApproach.profile(s, b.compute(), rows);
      if (p != null) {
        fits.add(fit(p, noise));
      }
    }
    if (fits.isEmpty()) {
      return null;
    }
    return new ProfileQuality(noise, fits, agreement(study, fits));
  }

  /**
   * A profile's worst distance from its own parabola. Replicas (seeds) of one model size are one
   * point of the profile, their mean loss: the parabola is fitted through every row, and a size's
   * seeds scatter around it by the training noise that more seeds average away.
   */
  static BudgetFit fit(Allocation.Profile p, double noise) {
    java.util.TreeMap<Double, double[]> bySize = new java.util.TreeMap<>();
    for (int i = 0; i < p.n().size(); i++) {
      double[] sum = bySize.computeIfAbsent(p.n().get(i), k -> new double[2]);
      sum[0] += p.loss().get(i);
      sum[1] += 1;
    }
    double worstN = Double.NaN;
    double worstDistance = Double.NaN;
    if (!Double.isNaN(p.c2())) {
      for (java.util.Map.Entry<Double, double[]> e : bySize.entrySet()) {
        double r = e.getValue()[0] / e.getValue()[1] - p.predict(e.getKey());
        if (Double.isNaN(worstDistance) || Math.abs(r) > Math.abs(worstDistance)) {
          worstN = e.getKey();
          worstDistance = r;
        }
      }
    }
    return new BudgetFit(
        p.compute(),
        bySize.size(),
        worstN,
        worstDistance,
        p.vertexN(),
        p.position(),
        !p.atEdge(),
        noise);
  }

  private static Agreement agreement(AllocationStudy study, List<BudgetFit> fits) {
    double target = study.study().targetCompute();
    List<Allocation> est = study.estimates();
    List<Estimate> estimates = est.stream().map(e -> new Estimate(e.approach(), e.nOpt())).toList();
    double factor = Double.NaN;
    if (est.size() >= 2) {
      double lo = est.stream().mapToDouble(Allocation::nOpt).min().orElseThrow();
      double hi = est.stream().mapToDouble(Allocation::nOpt).max().orElseThrow();
      factor = hi / lo;
    }
    boolean agrees = est.size() >= 2 && factor <= AGREE_FACTOR;
    List<String> reasons = agrees ? List.of() : reasons(study, fits, factor);
    return new Agreement(target, estimates, factor, agrees, reasons);
  }

  /** Why the approaches disagree, from the numbers: what failed, and where the gap comes from. */
  private static List<String> reasons(AllocationStudy study, List<BudgetFit> fits, double factor) {
    List<String> out = new ArrayList<>();
    for (AllocationStudy.Skipped k : study.skipped()) {
      out.add(k.approach().label() + " did not apply (" + k.reason() + ")");
    }
    if (study.estimates().size() < 2) {
      out.add("fewer than two approaches give an N_opt to compare");
    }
    for (BudgetFit b : fits) {
      if (!b.interior()) {
        out.add(
            String.format(
                Locale.ROOT,
                "budget C=%.3g has no interior vertex, so the IsoFLOP line leaves it out and the"
                    + " envelope's best run there is an edge model",
                b.compute()));
      } else if (!b.smooth()) {
        out.add(
            String.format(
                Locale.ROOT,
                "budget C=%.3g scatters %.1fx the noise from its parabola, so its vertex is set by"
                    + " noise as much as by the loss",
                b.compute(),
                b.worstInNoise()));
      }
    }
    List<Allocation> est = study.estimates();
    if (est.size() >= 2 && !Double.isNaN(factor)) {
      double largest = fits.stream().mapToDouble(BudgetFit::compute).max().orElseThrow();
      double target = study.study().targetCompute();
      double inLo = est.stream().mapToDouble(e -> e.nOpt(largest)).min().orElseThrow();
      double inHi = est.stream().mapToDouble(e -> e.nOpt(largest)).max().orElseThrow();
      Allocation loA = est.stream().min(Comparator.comparingDouble(Allocation::a)).orElseThrow();
      Allocation hiA = est.stream().max(Comparator.comparingDouble(Allocation::a)).orElseThrow();
      double spreadA = hiA.a() - loA.a();
      out.add(
          String.format(
              Locale.ROOT,
              "at the largest budget C=%.3g, inside the data, the approaches are already a factor"
                  + " %.2f apart; their exponents a run from %.3f (%s) to %.3f (%s), a difference"
                  + " of %.3f that alone multiplies to a factor %.2f over the extrapolation to"
                  + " C=%.3g",
              largest,
              inHi / inLo,
              loA.a(),
              loA.approach().label(),
              hiA.a(),
              hiA.approach().label(),
              spreadA,
              Math.pow(target / largest, spreadA),
              target));
      Allocation outlier = outlier(est);
      if (outlier != null) {
        out.add(
            String.format(
                Locale.ROOT,
                "the odd one out is %s (N_opt %.4g)%s",
                outlier.approach().label(),
                outlier.nOpt(),
                outlier.approach() == ApproachKind.ENVELOPE
                    ? ": its points are the lowest-loss runs themselves, whole rungs of the"
                        + " ladder, so its line moves in steps of the ladder"
                    : outlier.approach() == ApproachKind.PARAMETRIC
                        ? ": it extrapolates the fitted law L(N, D), whose form is not exact at"
                            + " these scales"
                        : ": its line runs through the parabolas' vertices, which shift when a"
                            + " profile is not a parabola"));
      }
    }
    return out;
  }

  /**
   * With three or more estimates, the one whose log N_opt is farthest from the mean of the others'
   * (null with fewer).
   */
  private static Allocation outlier(List<Allocation> est) {
    if (est.size() < 3) {
      return null;
    }
    Allocation far = null;
    double farthest = -1;
    for (Allocation e : est) {
      double others =
          est.stream()
              .filter(o -> o != e)
              .mapToDouble(o -> Math.log(o.nOpt()))
              .average()
              .orElseThrow();
      double d = Math.abs(Math.log(e.nOpt()) - others);
      if (d > farthest) {
        farthest = d;
        far = e;
      }
    }
    return far;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
