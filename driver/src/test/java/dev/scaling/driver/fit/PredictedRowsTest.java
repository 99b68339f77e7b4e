package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.report.TrialPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code ./sweep fit} reads a wsd sweep's predicted rows. */
class PredictedRowsTest {
  @TempDir Path tmp;

  /**
   * Three finished rows (eval_loss_stderr 0.003, 0.005, 0.004: median 0.004), two predicted rows
   * with intervals, one predicted row whose trained twin (trial a) is in the table, one predicted
   * row without an interval, one failed row.
   */
  private Path table() throws Exception {
    String csv =
        """
        trial_id,n_params,tokens,final_eval_loss,status,eval_loss_stderr,predicted_loss_low,predicted_loss_high
        a,1000,5000,2.5,finished,0.003,,
        b,2000,5000,2.3,finished,0.005,,
        c,4000,5000,2.1,finished,0.004,,
        p1,1000,9000,2.0,predicted,,1.99,2.01
        p2,2000,9000,1.95,predicted,,1.85,2.05
        a,1000,5000,2.49,predicted,,2.48,2.50
        p4,4000,9000,1.9,predicted,,,
        f,8000,5000,,failed,,,
        """;
    Path f = tmp.resolve("trials.csv");
    Files.writeString(f, csv);
    return f;
  }

  private static double weight(double low, double high, double noise) {
    double sigmaPred = (high - low) / (2 * 1.959963984540054);
    return Math.min(1, Math.pow(noise / sigmaPred, 2));
  }

  @Test
  void read_weighsPredictedRowsByTheirIntervalAndPrefersTrainedTwins() throws Exception {
    InputTable t =
        TableReader.read(table().toString(), new Configuration(), null, null, null, null, false);
    Map<String, Double> w =
        t.rows().stream()
            .collect(
                Collectors.toMap(
                    r -> r.trialId() + "@" + (long) r.point().d(), TrialPoint::weight));
    assertEquals(5, t.rows().size(), t.rows().toString());
    assertEquals(1.0, w.get("a@5000"), 0.0, "the trained twin, not its prediction");
    assertEquals(1.0, w.get("b@5000"), 0.0);
    assertEquals(weight(1.99, 2.01, 0.004), w.get("p1@9000"), 1e-12);
    assertEquals(weight(1.85, 2.05, 0.004), w.get("p2@9000"), 1e-12);
    assertEquals(
        2.0,
        t.rows().stream()
            .filter(r -> "p1".equals(r.trialId()))
            .findFirst()
            .orElseThrow()
            .point()
            .loss(),
        0.0,
        "the prediction is the loss fitted");
    String notes = String.join("\n", t.notes());
    assertTrue(notes.contains("2 predicted rows (status predicted) fitted"), notes);
    assertTrue(notes.contains("sigma_eval = 0.00400"), notes);
    assertTrue(notes.contains("1 predicted rows left out for their trained twins"), notes);
    assertTrue(notes.contains("1 predicted rows excluded: no usable prediction interval"), notes);
    assertTrue(notes.contains("1 rows excluded: status other than finished"), notes);
  }

  @Test
  void read_excludePredictedLeavesEveryPredictedRowOut() throws Exception {
    InputTable t =
        TableReader.read(
            table().toString(), new Configuration(), null, null, null, null, false, true);
    assertEquals(List.of("a", "b", "c"), t.rows().stream().map(TrialPoint::trialId).toList());
    assertTrue(t.rows().stream().noneMatch(TrialPoint::weighted));
    assertTrue(
        t.notes().contains("4 predicted rows excluded: --exclude-predicted"), t.notes().toString());
  }

  @Test
  void read_anotherLossColumnLeavesPredictedRowsOut() throws Exception {
    InputTable t =
        TableReader.read(
            table().toString(), new Configuration(), null, null, "eval_loss_stderr", null, true);
    assertEquals(List.of("a", "b", "c"), t.rows().stream().map(TrialPoint::trialId).toList());
    assertTrue(
        t.notes()
            .contains("4 predicted rows excluded: they hold a prediction only in final_eval_loss"),
        t.notes().toString());
  }
}
