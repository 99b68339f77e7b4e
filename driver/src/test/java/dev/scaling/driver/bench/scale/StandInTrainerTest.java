package dev.scaling.driver.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.sweep.SweepLoader;
import dev.scaling.worker.StepListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale bench's generated spec and its stand-in trainer. */
class StandInTrainerTest {
  static Plan plan(Path dir, int trials) throws Exception {
    Path spec = dir.resolve("scale-" + trials + ".yaml");
    Files.writeString(spec, ScaleSpec.of(trials).yaml());
    return SweepLoader.load(spec.toString(), new Configuration()).plan();
  }

  @Test
  void spec_plansExactlyTheTrialsAsked(@TempDir Path dir) throws Exception {
    assertEquals(100, plan(dir, 100).trials().size());
    assertEquals(75, plan(dir, 75).trials().size());
    Plan p = plan(dir, 300);
    assertEquals(300, p.trials().size());
    assertEquals(300, p.trials().stream().map(Trial::trialId).distinct().count());
    assertTrue(p.trials().stream().noneMatch(Trial::branched), "independent trials only");
    // Durations spread less than 2x around the mean: 6ND of the largest over the mean.
    double mean = p.totalFlops() / p.trials().size();
    double ratio = p.maxTrialFlops() / mean;
    assertTrue(ratio > 1.2 && ratio < 2, "largest / mean trial = " + ratio);
  }

  @Test
  void spec_rejectsTrialsNotAMultipleOf25() {
    SpecException e = assertThrows(SpecException.class, () -> ScaleSpec.of(30));
    assertTrue(e.getMessage().contains("multiple of 25"), e.getMessage());
  }

  @Test
  void train_sleepsItsDurationAndFollowsTheLaw(@TempDir Path dir) throws Exception {
    Trial trial = plan(dir, 25).trials().get(0);
    double seconds = 0.2;
    StandInTrainer standIn = new StandInTrainer(trial.flops() / seconds);
    List<long[]> steps = new ArrayList<>();
    List<Long> evals = new ArrayList<>();
    StepListener listener =
        new StepListener() {
          @Override
          public void onSteps(long stepsDone, long tokensDone) {
            steps.add(new long[] {stepsDone, tokensDone});
          }

          @Override
          public void onEvaluation(long stepsDone, double trainLoss, double evalLoss) {
            evals.add(stepsDone);
          }
        };
    long t0 = System.nanoTime();
    TrialResult r = standIn.train(trial, null, listener, null);
    double wall = (System.nanoTime() - t0) / 1e9;
    assertTrue(wall >= seconds, "slept " + wall + " s, planned " + seconds);
    assertEquals(TrialStatus.FINISHED, r.status());
    assertEquals(StandInTrainer.DEVICE, r.device());
    long total = trial.steps();
    assertEquals(total, r.stepsDone());
    assertEquals(total * trial.tokensPerStep(), r.tokensTrained());
    int every = trial.training().evalInterval();
    long expectedEvals = (total + every - 1) / every;
    assertEquals(expectedEvals, evals.size());
    assertEquals(expectedEvals, r.curve().size());
    assertEquals(total, evals.get(evals.size() - 1));
    assertEquals((total + 9) / 10, steps.size(), "onSteps every 10 steps and at the end");
    assertEquals(total * trial.tokensPerStep(), steps.get(steps.size() - 1)[1]);
    // Chinchilla at this N and D: 1.69 + 406.4 / N^0.34 + 410.7 / D^0.28, noise sd 0.005.
    double n = trial.nParams();
    double d = total * trial.tokensPerStep();
    double law = 1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28);
    assertEquals(law, r.finalEvalLoss(), 0.03);
    CurvePoint first = r.curve().get(0);
    assertTrue(first.evalLoss() > r.finalEvalLoss() + 0.05, "the loss falls with D: " + r.curve());
  }

  @Test
  void provenance_oldCommitsReadAsDjl() throws Exception {
    String json =
        "{\"appVersion\":\"0.1\",\"djlVersion\":\"0.35.1\",\"libtorchVersion\":\"2.7.1\","
            + "\"javaVersion\":\"17\",\"osArch\":\"amd64\",\"intraOpThreads\":1}";
    Provenance old = new ObjectMapper().readValue(json, Provenance.class);
    assertEquals(Provenance.TRAINER_DJL, old.trainer());
    Provenance standIn = old.withTrainer(Provenance.TRAINER_STAND_IN);
    assertTrue(standIn.standIn());
    ObjectMapper m = new ObjectMapper();
    assertEquals(standIn, m.readValue(m.writeValueAsString(standIn), Provenance.class));
  }
}
