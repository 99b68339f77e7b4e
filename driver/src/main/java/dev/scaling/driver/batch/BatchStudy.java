package dev.scaling.driver.batch;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.batch.BcritLaw;
import dev.scaling.common.batch.BcritLawFit;
import dev.scaling.common.batch.ComputeFrontier;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.CriticalBatchFitter;
import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.batch.KaplanSLaw;
import dev.scaling.common.batch.KaplanSPoint;
import dev.scaling.common.batch.StepsPoint;
import dev.scaling.common.batch.StepsToTarget;
import dev.scaling.common.batch.TargetChoice;
import dev.scaling.common.batch.TrialCurve;
import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.fit.BatchAnalysis;
import dev.scaling.driver.fit.BatchFitService;
import dev.scaling.driver.fit.FitsTable;
import dev.scaling.driver.fit.SideFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The batch-size study of a sweep whose models were trained at several batch sizes: per model and
 * target loss the steps S(B) to first reach the target and the fit S = S_min + E_min / B with
 * B_crit = E_min / S_min; B_crit(L) = B_* / L^(1/alpha_B) per model and pooled; the measured
 * gradient noise scale at each target beside B_crit; L(N, S_min) over every model and target; and
 * the compute frontier N_opt(C_min), shown beside the L(N, D)-based allocation exponent of the same
 * run. Built at the end of {@code ./sweep run} (a {@link SideFit}) when some model has finished
 * trials at {@value CriticalBatchFitter#MIN_BATCH_SIZES} or more batch sizes. Batch sizes are in
 * tokens.
 *
 * @param models every model with enough batch sizes, and its curves
 * @param targets the target losses and how they were chosen
 * @param fits one critical-batch fit per (model, target) that could be fitted
 * @param noise the measured noise scale per (model, target) where measured
 * @param laws B_crit(L) per model, then pooled over models (group null, as {@code ./sweep fit
 *     --form batch} writes it)
 * @param kaplan L(N, S_min), null when not fitted (see {@code notes})
 * @param frontier the compute frontier in C_min, with its reason when not fitted; null without a
 *     B_crit(L) law
 * @param allocations the same run's L(N, D)-based allocation, null until {@link #beside}
 * @param notes what could not be fitted, and why
 * @param floor the data's exact entropy floor (nats/token) when the source has one (the power-law
 *     and synthetic sources), else null: L(N, S_min) is then fitted to the reducible loss L -
 *     floor, because Kaplan's form has no irreducible term and the power-law source's loss falls
 *     toward its floor, not toward 0
 */
public record BatchStudy(
    List<BatchModels.Model> models,
    TargetChoice.Choice targets,
    List<CriticalBatch> fits,
    List<NoiseAtTarget> noise,
    List<BatchAnalysis.GroupLaw> laws,
    KaplanSFit kaplan,
    ComputeFrontier.Fit frontier,
    AllocationStudy allocations,
    List<String> notes,
    Double floor)
    implements SideFit {

  /** Form of the per (model, target) rows: S_min, E_min, B_crit. */
  public static final String FORM_BATCH = BatchFitService.BATCH;

  /** Form of the measured noise scale per (model, target): B_noise. */
  public static final String FORM_NOISE = "batch_noise";

  /** Form of B_crit(L): B_star, alpha_B. */
  public static final String FORM_LAW = BatchFitService.BCRIT_LAW;

  /** Form of L(N, S_min): N_c, alpha_N, S_c, alpha_S. */
  public static final String FORM_KAPLAN = BatchFitService.KAPLAN_S;

  /** Form of the compute frontier N_opt = k C_min^a: a, k. */
  public static final String FORM_FRONTIER = "batch_frontier";

  /** How the report and summary name the law pooled over every model (its group is null). */
  public static final String POOLED = "all (pooled)";

  public BatchStudy {
    InvariantViolation.check(
        models != null && targets != null && fits != null && noise != null && laws != null,
        "a batch study needs its models, targets, fits, noise and laws");
    models = List.copyOf(models);
    fits = List.copyOf(fits);
    noise = List.copyOf(noise);
    laws = List.copyOf(laws);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /**
   * The gradient noise scale measured at one (model, target): for each trial of the model that
   * reaches the target, its noise scale at the logged step nearest the crossing; the median over
   * those trials.
   *
   * @param group the model
   * @param target the target loss
   * @param noiseScale the median, in tokens
   * @param trials trials measured
   * @param bCrit the fitted B_crit at the same (model, target), in tokens
   */
  public record NoiseAtTarget(
      String group, double target, double noiseScale, int trials, double bCrit) {
    /** B_noise / B_crit. */
    public double ratio() {
      return noiseScale / bCrit;
    }
  }

  /**
   * The study over the finished trials among {@code outcomes}, with automatic targets; empty when
   * no model has {@value CriticalBatchFitter#MIN_BATCH_SIZES} or more batch sizes.
   */
  public static Optional<BatchStudy> of(List<TrialOutcome> outcomes, BatchFitOptions options) {
    return of(BatchModels.of(outcomes), null, options, entropyFloor(outcomes));
  }

  /**
   * The exact entropy floor (nats/token) the {@code outcomes} share, null when none reports one or
   * they report different ones: the floor L(N, S_min) is fitted above.
   */
  public static Double entropyFloor(List<TrialOutcome> outcomes) {
    Set<Double> floors = new TreeSet<>();
    for (TrialOutcome o : outcomes) {
      if (o.result().entropyFloor() != null) {
        floors.add(o.result().entropyFloor());
      }
    }
    return floors.size() == 1 ? floors.iterator().next() : null;
  }

  /**
   * The study over {@code models}, at the {@code given} targets ({@code --targets}) or automatic
   * ones (null), with no entropy floor: L(N, S_min) fitted to the loss itself.
   *
   * @throws SpecException naming {@code --targets} for a given target outside every trial's range
   */
  public static Optional<BatchStudy> of(
      List<BatchModels.Model> models, List<Double> given, BatchFitOptions options) {
    return of(models, given, options, null);
  }

  /**
   * The study over {@code models}, at the {@code given} targets ({@code --targets}) or automatic
   * ones (null), L(N, S_min) fitted to the loss less {@code floor} (null: the loss itself); empty
   * when no model has {@value CriticalBatchFitter#MIN_BATCH_SIZES} or more batch sizes.
   *
   * @throws SpecException naming {@code --targets} for a given target outside every trial's range
   */
  public static Optional<BatchStudy> of(
      List<BatchModels.Model> models, List<Double> given, BatchFitOptions options, Double floor) {
    List<String> notes = new ArrayList<>();
    List<BatchModels.Model> kept = new ArrayList<>();
    for (BatchModels.Model m : models) {
      if (m.batchSizes().size() >= CriticalBatchFitter.MIN_BATCH_SIZES) {
        kept.add(m);
      } else if (m.batchSizes().size() > 1) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: %d batch sizes (%s tokens); S = S_min + E_min / B needs %d, so the model is"
                    + " left out of the batch study",
                m.group(),
                m.batchSizes().size(),
                sizes(m.batchSizes()),
                CriticalBatchFitter.MIN_BATCH_SIZES));
      }
    }
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    List<TrialCurve> curves = kept.stream().flatMap(m -> m.curves().stream()).toList();
    TargetChoice.Choice choice =
        given == null
            ? TargetChoice.automatic(curves, TargetChoice.DEFAULT_COUNT)
            : TargetChoice.given(curves, given);
    CriticalBatchFitter fitter = new CriticalBatchFitter(options);
    List<CriticalBatch> fits = new ArrayList<>();
    List<NoiseAtTarget> noise = new ArrayList<>();
    List<BatchAnalysis.GroupLaw> laws = new ArrayList<>();
    for (TargetChoice.Targets t : choice.targets()) {
      if (t.reason() != null) {
        notes.add(t.group() + ": no targets, " + t.reason());
      }
    }
    for (BatchModels.Model m : kept) {
      List<CriticalBatch> own = new ArrayList<>();
      for (double target : choice.of(m.group())) {
        List<StepsPoint> pts = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        for (TrialCurve c : m.curves()) {
          Optional<StepsToTarget.Crossing> x = StepsToTarget.of(c, target);
          if (x.isEmpty()) {
            continue;
          }
          pts.add(new StepsPoint(c.batchTokens(), x.get().steps()));
          Double b = StepsToTarget.noiseAt(c, x.get());
          if (b != null) {
            measured.add(b);
          }
        }
        CriticalBatch fit;
        try {
          fit = fitter.fit(m.group(), target, pts);
        } catch (SpecException | InvariantViolation e) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "%s at target %.4g: S = S_min + E_min / B not fitted (%d trials reach it over %d"
                      + " batch sizes): %s",
                  m.group(),
                  target,
                  pts.size(),
                  pts.stream().mapToDouble(StepsPoint::batch).distinct().count(),
                  e.getMessage()));
          continue;
        }
        own.add(fit);
        double lo = pts.stream().mapToDouble(StepsPoint::batch).min().orElseThrow();
        double hi = pts.stream().mapToDouble(StepsPoint::batch).max().orElseThrow();
        if (fit.bCrit() < lo || fit.bCrit() > hi) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "%s at target %.4g: B_crit %.4g tokens lies outside the batch sizes trained"
                      + " [%.4g, %.4g], an extrapolation of the hyperbola",
                  m.group(),
                  target,
                  fit.bCrit(),
                  lo,
                  hi));
        }
        if (!measured.isEmpty()) {
          noise.add(
              new NoiseAtTarget(
                  m.group(),
                  target,
                  Quantiles.median(measured.stream().mapToDouble(Double::doubleValue).toArray()),
                  measured.size(),
                  fit.bCrit()));
        }
      }
      fits.addAll(own);
      law(m.group(), own, options, laws, notes);
    }
    if (kept.size() > 1) {
      law(null, fits, options, laws, notes);
    }
    KaplanSFit kaplan = null;
    List<KaplanSPoint> sPoints = new ArrayList<>();
    for (CriticalBatch f : fits) {
      double n =
          kept.stream().filter(m -> m.group().equals(f.group())).findFirst().orElseThrow().n();
      if (floor == null || f.target() > floor) {
        sPoints.add(new KaplanSPoint(n, f.sMin(), floor == null ? f.target() : f.target() - floor));
      }
    }
    if (floor != null) {
      notes.add(
          String.format(
              Locale.ROOT,
              "L(N, S_min) is fitted to the reducible loss L - %.4f (the source's exact entropy"
                  + " floor): Kaplan's form has no irreducible term",
              floor));
    }
    try {
      kaplan = KaplanSLaw.fit(sPoints, options);
    } catch (SpecException | InvariantViolation e) {
      notes.add("L(N, S_min) not fitted: " + e.getMessage());
    }
    ComputeFrontier.Fit frontier = null;
    // C_min needs one B_crit(L) for every model: the pooled law, or the one model's own.
    String lawGroup = kept.size() == 1 ? kept.get(0).group() : null;
    BatchAnalysis.GroupLaw pooled =
        laws.stream().filter(g -> Objects.equals(g.group(), lawGroup)).findFirst().orElse(null);
    if (pooled != null) {
      frontier = ComputeFrontier.fit(curves, frontierLaw(pooled), options);
      if (!frontier.fitted()) {
        notes.add("compute frontier N_opt(C_min) not fitted: " + frontier.reason());
      }
    } else {
      notes.add(
          "compute frontier N_opt(C_min) not fitted: no B_crit(L) law of "
              + (lawGroup == null ? "every model pooled" : lawGroup));
    }
    return Optional.of(
        new BatchStudy(kept, choice, fits, noise, laws, kaplan, frontier, null, notes, floor));
  }

  private static void law(
      String group,
      List<CriticalBatch> fits,
      BatchFitOptions options,
      List<BatchAnalysis.GroupLaw> laws,
      List<String> notes) {
    try {
      laws.add(new BatchAnalysis.GroupLaw(group, BcritLaw.fit(fits, options)));
    } catch (SpecException | InvariantViolation e) {
      notes.add(
          String.format(
              Locale.ROOT,
              "B_crit(L) of %s not fitted (%d critical-batch fits): %s",
              label(group),
              fits.size(),
              e.getMessage()));
    }
  }

  /** This study with the run's L(N, D)-based allocation beside its compute frontier. */
  @Override
  public BatchStudy beside(ScalingAnalysis analysis, AllocationStudy study) {
    return new BatchStudy(
        models, targets, fits, noise, laws, kaplan, frontier, study, notes, floor);
  }

  /**
   * The B_crit(L) that C_min reads: the pooled law, or the one model's own; null when it was not
   * fitted.
   */
  public BatchAnalysis.GroupLaw frontierLaw() {
    String group = models.size() == 1 ? models.get(0).group() : null;
    return laws.stream().filter(g -> Objects.equals(g.group(), group)).findFirst().orElse(null);
  }

  /** A law's group as the report names it: the model, or {@value #POOLED}. */
  public static String label(String group) {
    return group == null ? POOLED : group;
  }

  /** B_crit(L) in tokens under {@code law}. */
  static java.util.function.DoubleUnaryOperator frontierLaw(BatchAnalysis.GroupLaw law) {
    BcritLawFit fit = law.law();
    return l -> BcritLaw.predict(fit, l);
  }

  /** Every curve of every model in the study. */
  public List<TrialCurve> curves() {
    return models.stream().flatMap(m -> m.curves().stream()).toList();
  }

  /** The model named {@code group}. */
  public BatchModels.Model model(String group) {
    return models.stream()
        .filter(m -> m.group().equals(group))
        .findFirst()
        .orElseThrow(() -> new InvariantViolation("no model " + group + " in the batch study"));
  }

  /**
   * Forms {@value #FORM_BATCH}, {@value #FORM_LAW} and {@value #FORM_KAPLAN} exactly as {@code
   * ./sweep fit --form batch} writes them ({@link BatchFitService#rows}: the pooled law's group
   * null), then {@value #FORM_NOISE} (B_noise per model and target, n_points the trials measured)
   * and {@value #FORM_FRONTIER} (a with its interval, and k; n_points the C_min levels fitted).
   */
  @Override
  public List<FitsTable.Row> rows() {
    List<FitsTable.Row> out = new ArrayList<>(BatchFitService.rows(analysis()));
    for (NoiseAtTarget b : noise) {
      out.add(row(FORM_NOISE, "B_noise", b.noiseScale(), null, b.trials(), b.group(), b.target()));
    }
    if (frontier != null && frontier.fitted()) {
      int n = (int) frontier.levels().stream().filter(ComputeFrontier.Level::fitted).count();
      out.add(row(FORM_FRONTIER, "a", frontier.a(), frontier.aCi(), n, null, null));
      out.add(row(FORM_FRONTIER, "k", frontier.k(), null, n, null, null));
    }
    return out;
  }

  /**
   * The fits and laws as {@code ./sweep fit --form batch} holds them (group column {@code model},
   * batch column {@code batch_tokens}; the notes as its notes), for its rows and JSON line.
   */
  public BatchAnalysis analysis() {
    return new BatchAnalysis("model", "batch_tokens", fits, laws, kaplan, List.of(), notes);
  }

  private static FitsTable.Row row(
      String form,
      String parameter,
      double estimate,
      Interval ci,
      int points,
      String group,
      Double target) {
    return new FitsTable.Row(
        form, null, parameter, estimate, ci, null, points, null, false, group, target);
  }

  @Override
  public String html() {
    return BatchSection.html(this);
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "batch size: %d model(s), %d (model, target) fits of S = S_min + E_min / B; %s",
            models.size(),
            fits.size(),
            targets.describe()));
    for (CriticalBatch f : fits) {
      NoiseAtTarget b = noiseAt(f.group(), f.target());
      out.add(
          String.format(
              Locale.ROOT,
              "  %-24s L=%.4g S_min=%.4g%s E_min=%.4g%s B_crit=%.4g%s tokens%s",
              f.group(),
              f.target(),
              f.sMin(),
              ci(f.sMinCi()),
              f.eMin(),
              ci(f.eMinCi()),
              f.bCrit(),
              ci(f.bCritCi()),
              b == null
                  ? ""
                  : String.format(
                      Locale.ROOT, ", B_noise=%.4g (%.2fx B_crit)", b.noiseScale(), b.ratio())));
    }
    for (BatchAnalysis.GroupLaw g : laws) {
      out.add(
          String.format(
              Locale.ROOT,
              "  B_crit(L) = B_* / L^(1/alpha_B), %s: B_*=%.4g%s alpha_B=%.4g%s",
              label(g.group()),
              g.law().bStar(),
              ci(g.law().bStarCi()),
              g.law().alphaB(),
              ci(g.law().alphaBCi())));
    }
    if (kaplan != null) {
      out.add(
          String.format(
              Locale.ROOT,
              "  L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S: N_c=%.4g%s alpha_N=%.4g%s"
                  + " S_c=%.4g%s alpha_S=%.4g%s",
              kaplan.nC(),
              ci(kaplan.nCCi()),
              kaplan.alphaN(),
              ci(kaplan.alphaNCi()),
              kaplan.sC(),
              ci(kaplan.sCCi()),
              kaplan.alphaS(),
              ci(kaplan.alphaSCi())));
    }
    if (frontier != null && frontier.fitted()) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "  compute frontier N_opt = k C_min^a: a=%.4f%s",
                  frontier.a(),
                  ci(frontier.aCi())));
      if (allocations != null) {
        for (Allocation e : allocations.estimates()) {
          s.append(
              String.format(
                  Locale.ROOT, "; L(N,D) %s a=%.4f%s", e.approach().label(), e.a(), ci(e.ciA())));
        }
      }
      out.add(s.toString());
    }
    notes.forEach(n -> out.add("  note: " + n));
    return out;
  }

  /** The measured noise scale at ({@code group}, {@code target}), null where not measured. */
  public NoiseAtTarget noiseAt(String group, double target) {
    return noise.stream()
        .filter(b -> b.group().equals(group) && b.target() == target)
        .findFirst()
        .orElse(null);
  }

  private static String ci(Interval i) {
    return i == null ? "" : String.format(Locale.ROOT, " [%.4g, %.4g]", i.lo(), i.hi());
  }

  private static String sizes(List<Double> v) {
    return String.join(", ", v.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList());
  }
}
