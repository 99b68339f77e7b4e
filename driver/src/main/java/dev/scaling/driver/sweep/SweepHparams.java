package dev.scaling.driver.sweep;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.hparams.HparamsFitter;
import dev.scaling.common.hparams.HparamsOptions;
import dev.scaling.common.hparams.HparamsRun;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.HparamsSideFit;
import java.util.ArrayList;
import java.util.List;

/**
 * The hyperparameter laws at the end of a sweep: when its finished trials span at least 2 learning
 * rates and 2 batch sizes in at least 3 (N, D) cells, the StepLaw fit over them (final eval loss,
 * the trial's peak learning rate after any batch scaling, batch in tokens per step) becomes a side
 * fit of the report and the fits table.
 */
final class SweepHparams {
  private SweepHparams() {}

  /**
   * The side fit of {@code outcomes}, or null when the sweep has no learning-rate x batch grid;
   * when it has one that cannot identify the laws (e.g. every cell on one tokens-per-parameter
   * line) a sentence saying why joins {@code notes} and null is returned.
   */
  static HparamsSideFit of(List<TrialOutcome> outcomes, FitOptions options, List<String> notes) {
    List<HparamsRun> runs = new ArrayList<>();
    for (TrialOutcome o : outcomes) {
      double loss = o.result().finalEvalLoss();
      if (o.result().status() != TrialStatus.FINISHED || !(loss > 0) || Double.isInfinite(loss)) {
        continue;
      }
      runs.add(
          new HparamsRun(
              o.trial().trialId(),
              o.trial().nParams(),
              o.trial().tokens(),
              o.trial().training().learningRate(),
              o.trial().tokensPerStep(),
              loss,
              null));
    }
    long rates = runs.stream().mapToDouble(HparamsRun::lr).distinct().count();
    long batches = runs.stream().mapToDouble(HparamsRun::batchTokens).distinct().count();
    if (rates < 2 || batches < 2) {
      return null;
    }
    String why = HparamsFitter.tooFewCells(runs);
    if (why != null) {
      notes.add(
          "hyperparameter laws not fitted ("
              + rates
              + " learning rates x "
              + batches
              + " batch sizes): "
              + why);
      return null;
    }
    HparamsOptions hp =
        HparamsOptions.defaults()
            .withBootstrap(options.bootstrap(), options.seed())
            .withConfidence(options.ciLevel());
    return new HparamsSideFit(HparamsFitter.fit(runs, hp), List.of());
  }
}
