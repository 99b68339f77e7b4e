package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a sweep with learning-rate and batch-size axes: the hyperparameter laws join the fits
 * table (form hparams) and the report ("Hyperparameters"); a sweep without a batch axis gets
 * neither, and a grid whose cells cannot identify the laws gets a note instead.
 */
class SweepHparamsTest {
  private static final DataSpec DATA =
      DataSpec.builder(DataSource.SYNTHETIC)
          .evalTokens(1024)
          .settings(SyntheticSpec.DEFAULT)
          .build();

  private static Trial trial(int width, long tokens, int batch, double lr) {
    return ModelFamilies.trial(
        "s",
        new TrialConfig(
            42,
            TransformerFamily.NAME,
            width,
            2,
            width / 16,
            64,
            tokens,
            0,
            DATA,
            new TrainingSpec(batch, lr, 0.05, 0.1, 1.0, 50)));
  }

  private static TrialOutcome finished(Trial t, double loss) {
    return new TrialOutcome(
        t,
        TrialResult.builder(t.trialId(), TrialStatus.FINISHED)
            .finalTrainLoss(loss)
            .finalEvalLoss(loss)
            .stepsDone(t.steps())
            .tokensTrained(t.tokens())
            .wallSeconds(1)
            .tokensPerSecond(1000)
            .device("cpu()")
            .build(),
        "run",
        "0",
        "host",
        1,
        null);
  }

  /**
   * widths x token counts, each crossed with 3 learning rates and 3 batch sizes (16 to 64 sequences
   * of 64 tokens); the loss is a Chinchilla law times a bowl in log lr and log B around lr* = 3e-3
   * (N / 1e5)^-0.5 and B* = 2048 (D / 262144)^0.5 tokens.
   */
  private static List<TrialOutcome> grid(int[] widths, long[] tokens) {
    List<TrialOutcome> out = new ArrayList<>();
    for (int width : widths) {
      for (long d : tokens) {
        for (int batch : new int[] {16, 32, 64}) {
          for (double lr : new double[] {1e-3, 3e-3, 9e-3}) {
            Trial t = trial(width, d, batch, lr);
            double lrOpt = 3e-3 * Math.pow(t.nParams() / 1e5, -0.5);
            double bOpt = 2048 * Math.pow(d / 262144.0, 0.5);
            double bowl =
                0.02 * Math.pow(Math.log(lr / lrOpt), 2)
                    + 0.02 * Math.pow(Math.log(t.tokensPerStep() / bOpt), 2);
            double law = 1.7 + 400 / Math.pow(t.nParams(), 0.34) + 410 / Math.pow(d, 0.28);
            out.add(finished(t, law * (1 + bowl)));
          }
        }
      }
    }
    return out;
  }

  @Test
  void fitAndReport_withLrAndBatchAxes_addsHparamsRowsAndSection(@TempDir Path dir)
      throws Exception {
    List<TrialOutcome> outcomes =
        grid(new int[] {32, 64, 128}, new long[] {262144, 1048576, 4194304});
    FitOptions options = FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(10, 7);
    FitOutcome fit =
        SweepLaws.fitAndReport(
            outcomes,
            dir.toUri().toString(),
            new Configuration(),
            options,
            new SweepLaws.FitGate());
    assertNotNull(fit);
    assertTrue(fit.summary().contains("Hyperparameter laws (StepLaw): 9 (N, D) cells, 81 runs"));
    String report = Files.readString(fit.report());
    assertTrue(report.contains("<h2>Hyperparameters</h2>"), "the report has the section");
    List<String> names = new ArrayList<>();
    double lrSlope = Double.NaN;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT parameter, estimate, ci_low FROM read_parquet('"
                    + dir.resolve("fits")
                    + "/*.parquet') WHERE form = 'hparams'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
        rs.getDouble(3);
        assertTrue(!rs.wasNull(), "a bootstrap interval for " + rs.getString(1));
        if (rs.getString(1).equals("lr_a_N")) {
          lrSlope = rs.getDouble(2);
        }
      }
    }
    assertEquals(List.of("lr_c", "lr_a_N", "lr_b_D", "bs_c", "bs_e_D"), names);
    assertTrue(lrSlope < 0, "lr* falls with N as designed, found slope " + lrSlope);
  }

  @Test
  void of_withoutABatchAxisIsNullAndWithCellsOnALineNotes() {
    List<TrialOutcome> oneBatch = new ArrayList<>();
    for (TrialOutcome o : grid(new int[] {32, 64}, new long[] {262144, 1048576})) {
      if (o.trial().training().batchSize() == 32) {
        oneBatch.add(o);
      }
    }
    List<String> notes = new ArrayList<>();
    assertNull(SweepHparams.of(oneBatch, FitOptions.defaults(), notes));
    assertEquals(List.of(), notes, "no batch axis: nothing to say");

    // Widths 32, 64, 128 each at one token count proportional to its N: one line in (log N, log D).
    List<TrialOutcome> onLine = new ArrayList<>();
    for (int width : new int[] {32, 64, 128}) {
      long tokens = 262144L * (width / 32) * (width / 32);
      onLine.addAll(grid(new int[] {width}, new long[] {tokens}));
    }
    assertNull(SweepHparams.of(onLine, FitOptions.defaults(), notes));
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("hyperparameter laws not fitted"), notes.get(0));
    assertTrue(notes.get(0).contains("lie on one line"), notes.get(0));
  }
}
