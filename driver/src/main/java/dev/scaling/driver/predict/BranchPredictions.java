package dev.scaling.driver.predict;

import dev.scaling.common.curve.CurveLawForm;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every model's curve-law fits and predicted branches of one sweep, with the check of the
 * predictions that were trained too.
 *
 * @param law the law whose predictions fill the table ({@code training.curve_law})
 * @param models one per trunk with a predicted branch, in plan order
 */
public record BranchPredictions(CurveLawForm law, List<ModelPrediction> models) {
  /** The |predicted - trained| / noise a check must stay within. */
  public static final double CHECK_LIMIT = 3.0;

  public BranchPredictions {
    models = List.copyOf(models);
  }

  /** No predictions (a sweep that trains every branch). */
  public static BranchPredictions none(CurveLawForm law) {
    return new BranchPredictions(law, List.of());
  }

  /** Every predicted branch. */
  public List<PredictedBranch> predicted() {
    return models.stream().flatMap(m -> m.predictions().stream()).toList();
  }

  /** The predicted branches that were trained too. */
  public List<PredictedBranch> verified() {
    return predicted().stream().filter(PredictedBranch::verified).toList();
  }

  /** The check farthest from its trained twin, in units of noise; empty without checks. */
  public Optional<PredictedBranch> worst() {
    return verified().stream().max(Comparator.comparingDouble(p -> Math.abs(p.z())));
  }

  /** The console lines: what was predicted, how each law fitted, and the checks. */
  public String summary() {
    if (models.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Predicted branches (curve law %s, fitted per model on its trunk and trained branches):"
                + " %d predicted with 95%% intervals%n",
            law.label(),
            predicted().size()));
    for (ModelPrediction m : models) {
      sb.append("  ").append(m.label()).append(": ");
      if (m.failure() != null && m.predictions().isEmpty()) {
        sb.append("no predictions: ").append(m.failure()).append(System.lineSeparator());
        continue;
      }
      StringBuilder fits = new StringBuilder();
      for (CurveLawFit f : m.fits()) {
        fits.append(fits.isEmpty() ? "" : "; ").append(f.law().label());
        if (!f.fitted()) {
          fits.append(" not fitted (").append(f.failure()).append(')');
        } else if (!f.heldOut().isEmpty()) {
          fits.append(
              String.format(
                  Locale.ROOT,
                  " held-out mean relative error %.4f (final losses %.4f)",
                  f.heldOutMeanRelativeError(),
                  f.heldOutFinalMeanRelativeError()));
        } else {
          fits.append(" fitted");
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%d curves fitted, %d predicted, noise %.3g; %s%s%n",
              m.fitted().size(),
              m.predictions().size(),
              m.noise(),
              fits,
              m.failure() == null ? "" : "; " + m.failure()));
    }
    List<PredictedBranch> checks = verified();
    if (!checks.isEmpty()) {
      long within = checks.stream().filter(p -> Math.abs(p.z()) <= CHECK_LIMIT).count();
      long covered = checks.stream().filter(PredictedBranch::covered).count();
      PredictedBranch w = worst().orElseThrow();
      sb.append(
          String.format(
              Locale.ROOT,
              "Checked predictions (--verify-predictions): %d predicted branches trained too;"
                  + " |predicted - trained| within %.0fx the evaluation noise for %d of %d, worst"
                  + " %.2fx (trial %s, width %d, D %d); trained loss inside the 95%% interval for"
                  + " %d of %d%n",
              checks.size(),
              CHECK_LIMIT,
              within,
              checks.size(),
              Math.abs(w.z()),
              w.trial().trialId(),
              w.trial().width(),
              w.trial().tokens(),
              covered,
              checks.size()));
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6s %10s %10s %21s %10s %9s%n",
              "trial_id",
              "width",
              "tokens",
              "predicted",
              "95% interval",
              "trained",
              "diff/noise"));
      for (PredictedBranch p : checks) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-16s %6d %10d %10.4f [%8.4f, %8.4f] %10.4f %+9.2f%n",
                p.trial().trialId(),
                p.trial().width(),
                p.trial().tokens(),
                p.loss(),
                p.low(),
                p.high(),
                p.twinLoss(),
                p.z()));
      }
    }
    return sb.toString();
  }
}
