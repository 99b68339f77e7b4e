package dev.scaling.driver.fit;

import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * What {@link CurveFitService} fits and predicts, built by name.
 *
 * @param table the curves read
 * @param law the law to fit or evaluate
 * @param train the runs to fit on; empty means every run (or, with given parameters, none)
 * @param predict the runs to predict; empty means the runs not trained on, or the training runs
 *     themselves when every run is trained on
 * @param params given parameters in the order of the law's parameter names (evaluated without
 *     fitting), or null to fit
 * @param options the fitter's options (ignored with given parameters)
 */
public record CurveFitRequest(
    CurvesTable table,
    CurveLawForm law,
    List<String> train,
    List<String> predict,
    double[] params,
    CurveFitOptions options) {
  public CurveFitRequest {
    InvariantViolation.check(
        table != null && law != null && options != null,
        "a curve fit request needs a table, a law and options");
    train = train == null ? List.of() : List.copyOf(train);
    predict = predict == null ? List.of() : List.copyOf(predict);
    params = params == null ? null : params.clone();
  }

  /** The given parameters (a copy), or null to fit. */
  @Override
  public double[] params() {
    return params == null ? null : params.clone();
  }

  /** A builder fitting {@code law} on every run of {@code table}, predicting them. */
  public static Builder builder(CurvesTable table, CurveLawForm law, CurveFitOptions options) {
    return new Builder(table, law, options);
  }

  /** Builds a {@link CurveFitRequest} by name. */
  public static final class Builder {
    private final CurvesTable table;
    private final CurveLawForm law;
    private final CurveFitOptions options;
    private List<String> train = List.of();
    private List<String> predict = List.of();
    private double[] params;

    private Builder(CurvesTable table, CurveLawForm law, CurveFitOptions options) {
      this.table = table;
      this.law = law;
      this.options = options;
    }

    public Builder train(List<String> v) {
      train = v;
      return this;
    }

    public Builder predict(List<String> v) {
      predict = v;
      return this;
    }

    public Builder params(double[] v) {
      params = v;
      return this;
    }

    public CurveFitRequest build() {
      return new CurveFitRequest(table, law, train, predict, params, options);
    }
  }
}
