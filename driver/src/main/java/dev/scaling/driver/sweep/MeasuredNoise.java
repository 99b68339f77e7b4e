package dev.scaling.driver.sweep;

import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.InputTable;
import dev.scaling.driver.fit.TableReader;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.power.Noise;
import dev.scaling.driver.report.SeedSpread;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * The noise a design-power simulation assumes: given, or measured in a (partial) run of the same
 * sweep, or the stated default.
 */
public final class MeasuredNoise {
  /** The per-trial column of measured evaluation noise in {@code OUT/trials}. */
  public static final String STDERR_COLUMN = "eval_loss_stderr";

  private MeasuredNoise() {}

  /**
   * {@code noise} if given; else the measured noise of a run of {@code sweep} in {@code out}: the
   * spread between seeds where a grid point has 2+ seeds, else the median evaluation noise; else
   * the stated default. The same-sweep check is {@link OutComparison}'s (the grid may differ).
   */
  public static Noise of(Double noise, String out, SweepSpec sweep, Configuration hadoop) {
    if (noise != null) {
      return new Noise(noise, Noise.Source.GIVEN, "--noise");
    }
    if (out == null) {
      return Noise.assumed("no --noise and no --out with a run of this spec");
    }
    try {
      String outDir = SweepFiles.qualify(out, hadoop);
      OutComparison comparison = OutComparison.of(outDir, sweep, hadoop);
      if (!comparison.previousExists()) {
        return Noise.assumed(out + " holds no run (no spec.yaml)");
      }
      List<String> differences = comparison.beyondGrid();
      if (!differences.isEmpty()) {
        return Noise.assumed(
            out + " holds another sweep (differs in " + String.join("; ", differences) + ")");
      }
      double[] v;
      String where;
      SpecException tableProblem = null;
      try {
        InputTable stderr =
            TableReader.read(outDir + "/trials", hadoop, null, null, STDERR_COLUMN, null, true);
        v = stderr.rows().stream().mapToDouble(r -> r.point().loss()).toArray();
        where = out + "/trials";
      } catch (SpecException e) {
        // No table (a partial run writes it only at the end) or an older one: the commits.
        tableProblem = e;
        v = committedStderr(outDir, hadoop);
        where = out + "/commits";
      }
      if (v.length == 0) {
        throw tableProblem != null ? tableProblem : SpecException.of("--out", "no stderr");
      }
      Arrays.sort(v);
      Noise evaluation =
          new Noise(
              Quantiles.median(v),
              Noise.Source.MEASURED,
              String.format(
                  Locale.ROOT,
                  "median %s of %d finished trials in %s, from %.3g to %.3g",
                  STDERR_COLUMN,
                  v.length,
                  where,
                  v[0],
                  v[v.length - 1]));
      // Seeds of one grid point hold what the evaluation noise leaves out: prefer their spread.
      return seedSpread(outDir, hadoop)
          .map(
              spread ->
                  new Noise(
                      spread.sd(),
                      Noise.Source.SEED_SPREAD,
                      String.format(
                          Locale.ROOT,
                          "pooled sd of the final loss between seeds over %d grid points with 2+"
                              + " seeds (%d trials) in %s/commits; the evaluation noise alone is"
                              + " %.3g, the %s",
                          spread.points(),
                          spread.trials(),
                          out,
                          evaluation.sd(),
                          evaluation.detail())))
          .orElse(evaluation);
    } catch (SpecException e) {
      // No trials table yet, or one written before the noise was measured: say so and assume.
      String why =
          switch (e.field()) {
            case "--loss-col" ->
                out + "/trials has no " + STDERR_COLUMN + " column, nor its commits (an older run)";
            case "--input" ->
                e.getMessage().contains("no usable rows")
                    ? "no finished trial in " + out + "/trials has a " + STDERR_COLUMN
                    : out + " has no trials table and no finished commit with " + STDERR_COLUMN;
            default -> "no measured noise in " + out + "/trials (" + e.getMessage() + ")";
          };
      return Noise.assumed(why);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + out, e);
    }
  }

  /**
   * The {@code evalLossStderr} of every finished trial committed in {@code OUT/commits} (one JSON
   * file per trial, written the moment it ends, so a partial run has them too), read by the same
   * {@link CommitLog} that resumes a sweep; empty when none.
   *
   * @throws SpecException on {@code --out} when a commit is unreadable by this version
   */
  static double[] committedStderr(String outDir, Configuration hadoop) throws IOException {
    return new CommitLog(outDir, hadoop)
        .readAll().values().stream()
            .map(TrialOutcome::result)
            .filter(r -> r.status() == TrialStatus.FINISHED)
            .map(TrialResult::evalLossStderr)
            .filter(e -> e != null && e > 0 && Double.isFinite(e))
            .mapToDouble(Double::doubleValue)
            .toArray();
  }

  /**
   * The spread between seeds of the run's committed trials; empty when no grid point has two
   * finished seeds, or when a commit is unreadable by this version (the evaluation noise is then
   * used).
   */
  static Optional<SeedSpread> seedSpread(String outDir, Configuration hadoop) throws IOException {
    try {
      return SeedSpread.of(new CommitLog(outDir, hadoop).readAll().values());
    } catch (SpecException unreadable) {
      return Optional.empty();
    }
  }
}
