package dev.scaling.driver.fit;

import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.driver.predict.BranchPredictions;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.LearningRateTransfer;
import dev.scaling.driver.report.SweepFacts;
import dev.scaling.driver.report.TrialPoint;
import java.util.List;

/**
 * Everything {@link SweepFit#fitAndReport} fits and reports on, built by name so that {@code
 * ./sweep fit} and the end of {@code ./sweep run} each set only what they know.
 *
 * @param rows the finished trials' (N, D, loss) rows
 * @param compute each row's compute, in row order, or null for C = 6ND
 * @param curves learning curves for the report, empty when fitting a plain table
 * @param facts what the run knows beside its rows (floor, designed exponents, noise)
 * @param notes sentences about excluded or dropped rows
 * @param options the fitter's options
 * @param forms the law forms to fit
 * @param approaches the compute-optimal approaches to apply
 * @param learningRates the report's "Best learning rate vs N", null without a learning-rate axis
 * @param predictions a wsd sweep's curve-law fits and predicted branches, for the report's "Curves"
 *     section; null without predicted branches
 * @param sideFits studies fitted beside the laws (batch size, hyperparameters): their rows join the
 *     fits table and their sections the report; empty for none
 */
public record FitRequest(
    List<TrialPoint> rows,
    List<Double> compute,
    List<CurveSample> curves,
    SweepFacts facts,
    List<String> notes,
    FitOptions options,
    List<LawForm> forms,
    List<ApproachKind> approaches,
    LearningRateTransfer learningRates,
    BranchPredictions predictions,
    List<SideFit> sideFits) {

  public FitRequest {
    InvariantViolation.check(
        rows != null && facts != null && options != null && forms != null && approaches != null,
        "a fit request needs rows, facts, options, forms and approaches");
    InvariantViolation.check(
        compute == null || compute.size() == rows.size(),
        "compute must give one value per row (" + rows.size() + ")");
    rows = List.copyOf(rows);
    curves = curves == null ? List.of() : List.copyOf(curves);
    notes = notes == null ? List.of() : List.copyOf(notes);
    sideFits = sideFits == null ? List.of() : List.copyOf(sideFits);
  }

  /**
   * Each row's weight in the fit, or null when every row counts 1 (no predicted rows): the fitter's
   * real-valued weights.
   */
  public double[] weights() {
    if (rows.stream().noneMatch(TrialPoint::weighted)) {
      return null;
    }
    return rows.stream().mapToDouble(TrialPoint::weight).toArray();
  }

  /**
   * A builder fitting {@code rows} with {@code options}: by default every law form of {@link
   * LawForm#defaults}, every approach, C = 6ND, no curves, notes, facts or learning rates.
   */
  public static Builder builder(List<TrialPoint> rows, FitOptions options) {
    return new Builder(rows, options);
  }

  /** Builds a {@link FitRequest} by name. */
  public static final class Builder {
    private final List<TrialPoint> rows;
    private final FitOptions options;
    private List<Double> compute;
    private List<CurveSample> curves = List.of();
    private SweepFacts facts = SweepFacts.builder().build();
    private List<String> notes = List.of();
    private List<LawForm> forms = LawForm.defaults();
    private List<ApproachKind> approaches = List.of(ApproachKind.values());
    private LearningRateTransfer learningRates;
    private BranchPredictions predictions;
    private List<SideFit> sideFits = List.of();

    private Builder(List<TrialPoint> rows, FitOptions options) {
      this.rows = rows;
      this.options = options;
    }

    public Builder compute(List<Double> v) {
      compute = v;
      return this;
    }

    public Builder curves(List<CurveSample> v) {
      curves = v;
      return this;
    }

    public Builder facts(SweepFacts v) {
      facts = v;
      return this;
    }

    public Builder notes(List<String> v) {
      notes = v;
      return this;
    }

    public Builder forms(List<LawForm> v) {
      forms = v;
      return this;
    }

    public Builder approaches(List<ApproachKind> v) {
      approaches = v;
      return this;
    }

    public Builder learningRates(LearningRateTransfer v) {
      learningRates = v;
      return this;
    }

    public Builder predictions(BranchPredictions v) {
      predictions = v;
      return this;
    }

    public Builder sideFits(List<SideFit> v) {
      sideFits = v;
      return this;
    }

    public FitRequest build() {
      return new FitRequest(
          rows,
          compute,
          curves,
          facts,
          notes,
          options,
          forms,
          approaches,
          learningRates,
          predictions,
          sideFits);
    }
  }
}
