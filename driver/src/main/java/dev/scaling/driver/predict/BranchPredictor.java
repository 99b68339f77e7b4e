package dev.scaling.driver.predict;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveFitter;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.driver.plan.Trunks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts the branches a wsd sweep did not train ({@code training.predict_branches}): per model
 * (trunk), every law of {@link CurveLawForm} is fitted with {@link CurveFitter} on the trunk's
 * curve and the curves of the branches it trained ({@link ModelCurves}); the law {@code
 * training.curve_law} names predicts each other branch's final held-out loss from that branch's
 * schedule, and the other law is fitted for comparison. Branches trained only as a check ({@code
 * --verify-predictions}) never enter a fit: they are held out, and each law is scored on them.
 *
 * <p>The 95% prediction interval of a final loss combines the law's parameter uncertainty (the 2.5%
 * and 97.5% percentiles of the prediction over the fit's bootstrap draws, resampling whole runs:
 * {@link CurveFit#predictionInterval}) with the evaluation noise sigma of a measured final loss:
 * low = p - sqrt((p - q2.5)^2 + (1.96 sigma)^2), high = p + sqrt((q97.5 - p)^2 + (1.96 sigma)^2).
 * It is an interval for what training the branch would measure, so it is never narrower than the
 * noise.
 *
 * <p>Derived data: computed from the committed trunks and branches whenever a sweep's commits are
 * collected (a crash and resume recomputes it), never committed.
 */
public final class BranchPredictor {
  /** Bootstrap resamples of each curve-law fit, whose draws give the prediction intervals. */
  public static final int BOOTSTRAP = 100;

  /** Fewest finite bootstrap draws from which percentiles are taken. */
  static final int MIN_DRAWS = 10;

  private BranchPredictor() {}

  /**
   * The predictions of {@code plan}'s predicted trials from {@code outcomes} (the commits of the
   * plan's trials); none when the plan predicts nothing.
   */
  public static BranchPredictions predict(
      Plan plan, List<TrialOutcome> outcomes, CurveFitOptions options) {
    if (!plan.predicts()) {
      return BranchPredictions.none(CurveLawForm.MPL);
    }
    CurveLawForm law = plan.spec().training().settings(WsdSpec.class).curveLaw();
    Map<String, TrialOutcome> finished = new HashMap<>();
    for (TrialOutcome o : outcomes) {
      if (o.result().status() == TrialStatus.FINISHED) {
        finished.put(o.trial().trialId(), o);
      }
    }
    double sweepNoise = medianStderr(finished.values().stream().toList());
    List<ModelPrediction> models = new ArrayList<>();
    for (Trunk trunk : Trunks.of(plan.trials())) {
      if (trunk.branches().stream().anyMatch(plan::isPredicted)) {
        try {
          models.add(model(plan, trunk, finished, law, sweepNoise, options));
        } catch (RuntimeException e) {
          // One model's curves that cannot be read or predicted leave the other models' be.
          models.add(
              new ModelPrediction(
                  trunk.trunkId(),
                  trunk.longest(),
                  sweepNoise,
                  null,
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(),
                  "its curves could not be fitted: " + e));
        }
      }
    }
    return new BranchPredictions(law, models);
  }

  private static ModelPrediction model(
      Plan plan,
      Trunk trunk,
      Map<String, TrialOutcome> finished,
      CurveLawForm law,
      double sweepNoise,
      CurveFitOptions options) {
    List<TrialOutcome> trained =
        trunk.branches().stream()
            .filter(b -> !plan.isPredicted(b))
            .map(b -> finished.get(b.trialId()))
            .filter(o -> o != null && o.result().resumedFromStep() >= o.trial().forkStep())
            .sorted(Comparator.comparingLong(o -> o.trial().tokens()))
            .toList();
    List<Trial> predicted =
        trunk.branches().stream()
            .filter(plan::isPredicted)
            .sorted(Comparator.comparingLong(Trial::tokens))
            .toList();
    if (trained.isEmpty()) {
      return new ModelPrediction(
          trunk.trunkId(),
          trunk.longest(),
          sweepNoise,
          null,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          "none of its trained branches finished");
    }
    double modelNoise = medianStderr(trained);
    double noise = Double.isFinite(modelNoise) ? modelNoise : sweepNoise;
    List<Curve> fitted = ModelCurves.forFit(trunk.trunkId(), trained);
    Curve trunkCurve = fitted.get(0);
    List<Curve> heldOut =
        predicted.stream()
            .map(t -> finished.get(t.trialId()))
            .filter(o -> o != null)
            .map(ModelCurves::branch)
            .filter(c -> c.loggedLosses() > 0)
            .toList();
    List<CurveLawFit> fits = new ArrayList<>();
    List<CurveLawForm> order = new ArrayList<>(List.of(law));
    Arrays.stream(CurveLawForm.values()).filter(f -> f != law).forEach(order::add);
    for (CurveLawForm form : order) {
      try {
        CurveFit fit = CurveFitter.fit(form, fitted, options);
        fits.add(CurveLawFit.scored(form, fit, heldOut));
      } catch (RuntimeException e) {
        fits.add(CurveLawFit.failed(form, String.valueOf(e.getMessage())));
      }
    }
    CurveLawFit chosen = fits.get(0);
    if (!chosen.fitted()) {
      return new ModelPrediction(
          trunk.trunkId(),
          trunk.longest(),
          noise,
          trunkCurve,
          fitted,
          heldOut,
          fits,
          List.of(),
          law.label() + " could not be fitted: " + chosen.failure());
    }
    List<PredictedBranch> predictions = new ArrayList<>();
    for (Trial t : predicted) {
      PredictedBranch p = predictFinal(chosen.fit(), t, noise);
      if (p == null) {
        continue;
      }
      TrialOutcome twin = finished.get(t.trialId());
      predictions.add(
          twin == null
              ? p
              : p.withTwin(twin.result().finalEvalLoss(), twin.result().evalLossStderr()));
    }
    return new ModelPrediction(
        trunk.trunkId(),
        trunk.longest(),
        noise,
        trunkCurve,
        fitted,
        heldOut,
        fits,
        predictions,
        predictions.size() < predicted.size()
            ? (predicted.size() - predictions.size()) + " prediction(s) not finite"
            : null);
  }

  /**
   * The final loss {@code fit} predicts for trial {@code t}'s schedule, with its 95% prediction
   * interval (see the class comment); null when the law's prediction is not finite.
   */
  static PredictedBranch predictFinal(CurveFit fit, Trial t, double noise) {
    Curve schedule = ModelCurves.schedule(t);
    int last = schedule.steps().length - 1;
    double p = fit.predict(schedule)[last];
    if (!(Double.isFinite(p) && p > 0)) {
      return null;
    }
    double below = 0;
    double above = 0;
    if (fit.draws().size() >= MIN_DRAWS) {
      try {
        Interval spread = fit.predictionInterval(schedule, last, 0.95);
        below = Math.max(0, p - spread.lo());
        above = Math.max(0, spread.hi() - p);
      } catch (IllegalArgumentException noFiniteDraw) {
        // No draw predicts a finite loss here: only the evaluation noise is left to show.
      }
    }
    double z = PredictionWeight.Z95 * (Double.isFinite(noise) ? noise : 0);
    double low = p - Math.sqrt(below * below + z * z);
    double high = p + Math.sqrt(above * above + z * z);
    return new PredictedBranch(t, fit.form(), p, low, high, noise, null, null);
  }

  /** The median {@code eval_loss_stderr} of the outcomes that have one; NaN when none has. */
  static double medianStderr(List<TrialOutcome> outcomes) {
    double[] v =
        outcomes.stream()
            .map(o -> o.result().evalLossStderr())
            .filter(e -> e != null && e > 0 && Double.isFinite(e))
            .mapToDouble(Double::doubleValue)
            .toArray();
    return v.length == 0 ? Double.NaN : Quantiles.median(v);
  }
}
