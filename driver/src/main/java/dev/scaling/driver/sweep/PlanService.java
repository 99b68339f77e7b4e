package dev.scaling.driver.sweep;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.PlanningCatalog;
import dev.scaling.common.trial.Seeds;
import dev.scaling.driver.fit.FitsTable;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.power.DesignRow;
import dev.scaling.driver.power.Noise;
import dev.scaling.driver.power.PowerResult;
import dev.scaling.driver.power.PowerSetup;
import dev.scaling.driver.power.PowerSimulation;
import dev.scaling.driver.spark.HadoopConfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Plans a sweep without Spark or training: the planned grid, the design as the fit will see it,
 * and, when asked, a design-power simulation under an assumed Chinchilla law plus noise (every
 * simulated sweep fitted as the real one would be), so a researcher knows what the sweep can pin
 * down before any compute is spent.
 */
public final class PlanService {
  private PlanService() {}

  /**
   * Plans {@code request}; the returned outcome holds the text a command prints.
   *
   * @throws SpecException on bad input: the spec, {@code --assume} with {@code --assume-from}, a
   *     grid the simulated fit cannot separate
   */
  public static PlanOutcome plan(PlanRequest request) {
    if (request.assume() != null && request.assumeFrom() != null) {
      throw new SpecException(
          "--assume-from", "not given together with --assume", request.assumeFrom());
    }
    Configuration hadoop = HadoopConfs.forDriver();
    LoadedSweep loaded;
    try {
      loaded = SweepLoader.load(request.spec(), hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + request.spec(), e);
    }
    Plan plan = loaded.plan();
    List<DesignRow> design = FitDesign.rows(plan);
    int slots = Runtime.getRuntime().availableProcessors();
    StringBuilder text =
        new StringBuilder(
            plan.describe(
                slots,
                plan.estimatedSeconds(slots, Plan.DEFAULT_FLOPS_PER_SLOT),
                String.format(
                    Locale.ROOT,
                    "provisional, at %.3g 6ND FLOP/s per slot; run times a probe first",
                    Plan.DEFAULT_FLOPS_PER_SLOT),
                request.all() || plan.trials().size() <= Plan.FULL_TABLE_MAX));
    text.append(FitDesign.describe(design));
    PowerResult result = null;
    if (request.power()) {
      result = simulate(request, loaded.spec(), design, hadoop);
      text.append(result.describe());
    }
    return new PlanOutcome(plan, design, result, text.toString());
  }

  private static PowerResult simulate(
      PlanRequest r, SweepSpec sweep, List<DesignRow> design, Configuration hadoop) {
    long distinctN = design.stream().mapToDouble(DesignRow::n).distinct().count();
    long distinctD = design.stream().mapToDouble(DesignRow::d).distinct().count();
    if (design.size() < SweepLaws.MIN_TRIALS || distinctN < 3 || distinctD < 3) {
      throw new SpecException(
          "grid",
          String.format(
              Locale.ROOT,
              "at least %d fitted rows with 3 distinct N and 3 distinct D for --power (the"
                  + " Chinchilla fit it simulates needs them)",
              SweepLaws.MIN_TRIALS),
          String.format(
              Locale.ROOT,
              "%d rows, %d distinct N, %d distinct D",
              design.size(),
              distinctN,
              distinctD));
    }
    ChinchillaParams truth = PlanRequest.CHINCHILLA_PUBLISHED;
    String lawSource = "Chinchilla's published fit, Hoffmann et al. 2022; --assume to change";
    if (r.assume() != null) {
      truth = r.assume();
      lawSource = "--assume";
    } else if (r.assumeFrom() != null) {
      truth = FitsTable.readChinchilla(r.assumeFrom(), hadoop);
      lawSource = "the chinchilla point estimate in " + r.assumeFrom() + "/fits";
    }
    Noise n = MeasuredNoise.of(r.noise(), r.out(), sweep, hadoop);
    double largest = design.stream().mapToDouble(DesignRow::flops).max().orElseThrow();
    double c = r.targetFlops() != null ? r.targetFlops() : 10 * largest;
    String cSource =
        r.targetFlops() != null
            ? "--target-flops"
            : String.format(
                Locale.ROOT, "10x the largest trial's 6ND %.3g, as the fit reports", largest);
    long sweepSeed = r.seed() != null ? r.seed() : sweep.seed();
    FitOptions options =
        FitOptions.defaults()
            .withHuberDelta(r.huberDelta())
            .withBootstrap(0, Seeds.derive(sweepSeed, "bootstrap"));
    return PowerSimulation.run(
        PowerSetup.builder(design, truth, n)
            .lawSource(lawSource)
            .simulations(r.simulations())
            .seed(Seeds.derive(sweepSeed, "power"))
            .target(c, cSource)
            .options(options)
            .pin(r.pin())
            .notes(notes(sweep, design, truth))
            .starts(r.fullGrid() ? PowerSimulation.Starts.GRID : PowerSimulation.Starts.WARM)
            .build());
  }

  /** Warnings on the assumption: predicted losses above a uniform guess over the vocabulary. */
  private static List<String> notes(
      SweepSpec sweep, List<DesignRow> design, ChinchillaParams truth) {
    List<String> notes = new ArrayList<>();
    double lo = design.stream().mapToDouble(r -> truth.predict(r.n(), r.d())).min().orElseThrow();
    double hi = design.stream().mapToDouble(r -> truth.predict(r.n(), r.d())).max().orElseThrow();
    int vocab;
    try {
      vocab = PlanningCatalog.get().vocab(sweep.data());
    } catch (RuntimeException e) {
      // A tokenizer trained on first use has no vocabulary yet: no uniform-guess check.
      return notes;
    }
    double uniform = Math.log(vocab);
    if (hi > uniform) {
      notes.add(
          String.format(
              Locale.ROOT,
              "the assumed law predicts losses of %.3g to %.3g nats on this grid, above ln(vocab"
                  + " %d) = %.3g, the loss of a uniform guess: it does not hold at this scale, so"
                  + " the widths below are optimistic; assume a law measured at this scale"
                  + " (--assume from a pilot fit's summary, or --assume-from a finished run)",
              lo,
              hi,
              vocab,
              uniform));
    }
    return notes;
  }
}
