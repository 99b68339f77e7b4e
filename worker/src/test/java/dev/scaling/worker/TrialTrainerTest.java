package dev.scaling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialTrainerTest {
  private static final TrialTrainer TRAINER = new TrialTrainer(new Configuration());

  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  private static Trial small(int width, long tokens, double lr, double clip) {
    return TestTrials.synthetic(
        TestTrials.SMALL_LANGUAGE, width, 1, 2, 16, tokens, 16, lr, clip, 50);
  }

  @Test
  void train_lossFallsOnSyntheticData() {
    Trial trial =
        TestTrials.synthetic(
            new SyntheticSpec(32, 2, 4, 1.1), 32, 1, 2, 16, 300L * 16 * 16, 16, 1e-2, 1.0, 50);
    AtomicLong lastSteps = new AtomicLong();
    AtomicLong lastTokens = new AtomicLong();
    TrialResult result =
        TRAINER.train(
            trial,
            Device.cpu(),
            (steps, tokens) -> {
              lastSteps.set(steps);
              lastTokens.set(tokens);
            });
    assertEquals(TrialStatus.FINISHED, result.status(), result.error());
    assertEquals(300, result.stepsDone());
    assertEquals(trial.tokensTrained(), result.tokensTrained());
    assertEquals(300, lastSteps.get());
    assertEquals(trial.tokensTrained(), lastTokens.get());
    double floor = result.entropyFloor();
    double uniform = Math.log(trial.vocab());
    assertTrue(
        result.finalEvalLoss() < uniform - 0.7, result.finalEvalLoss() + " vs ln V " + uniform);
    assertTrue(result.finalEvalLoss() > floor + 0.1, result.finalEvalLoss() + " vs floor " + floor);
    System.out.printf(
        "synthetic %s: eval %.4f, floor %.4f, ln V %.4f%n",
        trial.data().settings(SyntheticSpec.class), result.finalEvalLoss(), floor, uniform);
    assertEquals(6, result.curve().size());
    for (CurvePoint point : result.curve()) {
      assertTrue(
          Double.isFinite(point.trainLoss()) && Double.isFinite(point.evalLoss()),
          point.toString());
      assertTrue(point.lr() > 0);
    }
    assertTrue(result.curve().get(0).evalLoss() > result.finalEvalLoss());
    assertEquals(result.curve().get(5).trainLoss(), result.finalTrainLoss());
    // Warmup 30 of 300 steps, then cosine to 10% of the 1e-2 peak at the last step, applied as a
    // float.
    assertEquals((float) 1e-3, result.curve().get(5).lr(), 0.0);
    assertTrue(
        result.curve().get(0).lr() < 1e-2
            && result.curve().get(0).lr() > result.curve().get(1).lr());
    assertTrue(result.tokensPerSecond() > 0 && result.wallSeconds() > 0);
    assertEquals("cpu()", result.device());
  }

  @Test
  void train_twoTrialsConcurrentlyInOneJvm() throws Exception {
    Trial a = small(32, 120L * 16 * 16, 3e-3, 1.0);
    Trial b =
        TestTrials.synthetic(
            TestTrials.SMALL_LANGUAGE, 32, 2, 4, 16, 100L * 16 * 16, 16, 5e-3, 0.5, 50);
    TrialResult aAlone = TRAINER.train(a, Device.cpu(), StepListener.NONE);
    TrialResult bAlone = TRAINER.train(b, Device.cpu(), StepListener.NONE);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<TrialResult> aTogether =
          pool.submit(() -> TRAINER.train(a, Device.cpu(), StepListener.NONE));
      Future<TrialResult> bTogether =
          pool.submit(() -> TRAINER.train(b, Device.cpu(), StepListener.NONE));
      assertIdentical(aAlone, aTogether.get());
      assertIdentical(bAlone, bTogether.get());
    } finally {
      pool.shutdownNow();
    }
    assertTrue(aAlone.finalEvalLoss() != bAlone.finalEvalLoss());
  }

  /**
   * The same trial trained several times in one JVM, while another thread calls System.gc() every
   * millisecond, gives bit-identical losses: nothing in the model or the training step may read
   * memory that the garbage collector can free. (Before DecoderLayer's attention scale became a
   * libtorch-owned tensor, autograd read it from a freed Java buffer: runs differed by up to 0.1
   * nats or became NaN.)
   */
  @Test
  void train_isBitReproducibleUnderGcPressure() throws Exception {
    Trial trial =
        TestTrials.synthetic(
            TestTrials.SMALL_LANGUAGE, 16, 2, 2, 16, 80L * 8 * 16, 8, 3e-3, 1.0, 40);
    AtomicBoolean stop = new AtomicBoolean();
    Thread gc =
        new Thread(
            () -> {
              while (!stop.get()) {
                System.gc();
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "gc-hammer");
    gc.setDaemon(true);
    List<TrialResult> results = new ArrayList<>();
    gc.start();
    try {
      for (int run = 0; run < 3; run++) {
        results.add(TRAINER.train(trial, Device.cpu(), StepListener.NONE));
      }
    } finally {
      stop.set(true);
      gc.join();
    }
    for (TrialResult result : results) {
      System.out.printf(
          "under GC pressure: train %.9f, eval %.9f%n",
          result.finalTrainLoss(), result.finalEvalLoss());
    }
    for (TrialResult other : results.subList(1, results.size())) {
      assertIdentical(results.get(0), other);
    }
  }

  /**
   * Bit-identical losses at every evaluation: training is deterministic given the trial's seeds.
   */
  private static void assertIdentical(TrialResult expected, TrialResult actual) {
    assertEquals(TrialStatus.FINISHED, actual.status(), actual.error());
    assertEquals(expected.curve().size(), actual.curve().size());
    for (int i = 0; i < expected.curve().size(); i++) {
      assertEquals(
          expected.curve().get(i).trainLoss(),
          actual.curve().get(i).trainLoss(),
          0.0,
          "train at " + i);
      assertEquals(
          expected.curve().get(i).evalLoss(),
          actual.curve().get(i).evalLoss(),
          0.0,
          "eval at " + i);
    }
    assertEquals(expected.finalTrainLoss(), actual.finalTrainLoss(), 0.0);
    assertEquals(expected.finalEvalLoss(), actual.finalEvalLoss(), 0.0);
  }

  /**
   * Reading the gradient noise scale changes no gradient: the same trial with 2 microbatches,
   * trained with the measurement on and off, logs the same losses as raw bits at every step (eval
   * interval 3); only the on run's curve carries a noise scale. Its values are positive, which they
   * would not be if the accumulated gradient were not the mean of the microbatch gradients: a
   * summed one has |G_big|^2 about 4x |g_small|^2 / 4, and the tr(Sigma) estimate turns negative.
   */
  @Test
  void train_noiseScaleOnAndOffGiveBitwiseEqualLosses() {
    Trial plain =
        TestTrials.synthetic(
            TestTrials.SMALL_LANGUAGE, 32, 1, 2, 16, 60L * 16 * 16, 16, 3e-3, 1.0, 3);
    Trial on = TestTrials.withTraining(plain, t -> t.withMicrobatches(2));
    Trial off = TestTrials.withTraining(on, t -> t.withNoiseScale(false));
    assertEquals(on.trialId(), off.trialId(), "the switch is not part of the trial id");
    assertTrue(on.training().measuresNoiseScale());
    assertFalse(off.training().measuresNoiseScale());
    List<Double> onLosses = new ArrayList<>();
    List<Double> offLosses = new ArrayList<>();
    TrialResult a = TRAINER.train(on, Device.cpu(), lossRecorder(onLosses));
    TrialResult b = TRAINER.train(off, Device.cpu(), lossRecorder(offLosses));
    assertEquals(TrialStatus.FINISHED, a.status(), a.error());
    assertEquals(TrialStatus.FINISHED, b.status(), b.error());
    assertEquals(20, a.curve().size());
    assertEquals(b.curve().size(), a.curve().size());
    for (int i = 0; i < a.curve().size(); i++) {
      CurvePoint p = a.curve().get(i);
      CurvePoint q = b.curve().get(i);
      assertEquals(
          Double.doubleToRawLongBits(q.trainLoss()),
          Double.doubleToRawLongBits(p.trainLoss()),
          "train loss at step " + p.step());
      assertEquals(
          Double.doubleToRawLongBits(q.evalLoss()),
          Double.doubleToRawLongBits(p.evalLoss()),
          "eval loss at step " + p.step());
      assertNull(q.gradNoiseScale(), "off: no noise scale at step " + q.step());
    }
    assertEquals(offLosses.size(), onLosses.size());
    for (int i = 0; i < onLosses.size(); i++) {
      assertEquals(
          Double.doubleToRawLongBits(offLosses.get(i)),
          Double.doubleToRawLongBits(onLosses.get(i)),
          "reported train loss " + i);
    }
    assertNull(b.gradNoiseScale());
    CurvePoint last = a.curve().get(a.curve().size() - 1);
    assertEquals(last.gradNoiseScale(), a.gradNoiseScale(), "the result has the last value");
    StringBuilder trace = new StringBuilder();
    for (CurvePoint p : a.curve()) {
      if (p.step() % 10 == 0) {
        trace.append(String.format(" %d:%.1f", p.step(), p.gradNoiseScale()));
      }
      Double v = p.gradNoiseScale();
      assertTrue(v != null && Double.isFinite(v) && v > 0, "noise scale at " + p.step() + ": " + v);
    }
    System.out.println("noise scale (tokens) by step:" + trace);
  }

  private static StepListener lossRecorder(List<Double> losses) {
    return new StepListener() {
      @Override
      public void onSteps(long stepsDone, long tokensDone) {}

      @Override
      public void onTrainLoss(long stepsDone, double trainLoss) {
        losses.add(trainLoss);
      }
    };
  }

  @Test
  void train_absurdLearningRateDiverges() {
    Trial trial = small(32, 200L * 16 * 16, 1e6, 0.0);
    TrialResult result = TRAINER.train(trial, Device.cpu(), StepListener.NONE);
    assertEquals(TrialStatus.DIVERGED, result.status());
    assertNotNull(result.error());
    assertTrue(
        result.error().matches("(eval )?loss became (NaN|[+-]inf) (at|after) step \\d+"),
        result.error());
    assertTrue(result.stepsDone() < trial.steps());
  }

  @Test
  void train_readsATextCorpus(@TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      text.append("the cat sat on the mat. ");
    }
    // One file named by the path: its last quarter (of 9,600 bytes) is held out.
    Path file = Files.writeString(dir.resolve("corpus.txt"), text);
    Trial trial = TestTrials.text(file.toUri().toString(), 16, 8, 30L * 8 * 16);
    TrialResult result = TRAINER.train(trial, Device.cpu(), StepListener.NONE);
    assertEquals(TrialStatus.FINISHED, result.status());
    assertNull(result.entropyFloor());
    assertTrue(result.finalEvalLoss() < Math.log(256), "eval " + result.finalEvalLoss());
    // Byte tokens: one token per byte, so bits per byte is the loss in bits.
    assertEquals(1.0, result.evalTokensPerByte(), 0.0);
    assertEquals(
        result.finalEvalLoss() / Math.log(2), result.bitsPerByte(result.finalEvalLoss()), 1e-12);
    assertEquals(30.0 * 8 * 16 / (9600 - 2400), result.epochs(), 1e-12);
  }

  @Test
  void train_missingCorpusThrows(@TempDir Path dir) {
    Trial trial = TestTrials.text(dir.resolve("missing").toUri().toString(), 16, 8, 30L * 8 * 16);
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> TRAINER.train(trial, Device.cpu(), StepListener.NONE));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }
}
