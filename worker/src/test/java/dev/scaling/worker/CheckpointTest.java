package dev.scaling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.scaling.common.schedule.CosineSchedule;
import dev.scaling.common.schedule.ScheduleState;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.checkpoint.CheckpointCodec;
import dev.scaling.worker.checkpoint.CheckpointState;
import dev.scaling.worker.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  /**
   * A resumed run is bitwise the uninterrupted one: training is deterministic given the trial's
   * seeds.
   */
  private static final double TOLERANCE = 0.0;

  private static final TrialTrainer TRAINER = new TrialTrainer(new Configuration());
  private static final Trial TRIAL =
      TestTrials.synthetic(
          TestTrials.SMALL_LANGUAGE, 32, 2, 2, 16, 120L * 16 * 16, 16, 3e-3, 1.0, 20);

  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  /** A simulated kill: the attempt dies when it reports step {@code killAt}. */
  private static final class Kill extends RuntimeException {
    Kill(long step) {
      super("killed at step " + step);
    }
  }

  private static StepListener killAt(long killAt) {
    return (steps, tokens) -> {
      if (steps == killAt) {
        throw new Kill(steps);
      }
    };
  }

  /** Records onResume and the first onSteps call. */
  private static final class Recorder implements StepListener {
    final AtomicLong resumedFrom = new AtomicLong(-1);
    final AtomicLong firstSteps = new AtomicLong(-1);

    @Override
    public void onSteps(long stepsDone, long tokensDone) {
      firstSteps.compareAndSet(-1, stepsDone);
    }

    @Override
    public void onResume(long fromStep) {
      assertEquals(-1, firstSteps.get(), "onResume comes before any onSteps");
      resumedFrom.set(fromStep);
    }
  }

  private static List<String> files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".crc"))
          .sorted()
          .toList();
    }
  }

  /**
   * A text trial (token shards read by offset) resumed from a checkpoint continues from its data
   * position: its curve and losses equal the uninterrupted run's bit for bit, which they would not
   * if the resumed attempt served other windows.
   */
  @Test
  void checkpoint_textTrialResumesFromItsDataPosition(@TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder();
    java.util.Random rnd = new java.util.Random(9);
    String[] words = "a quiet river runs past the old mill and under the stone bridge".split(" ");
    while (text.length() < 40_000) {
      text.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(9) == 0 ? ".\n" : " ");
    }
    Path corpus = Files.writeString(dir.resolve("river.txt"), text);
    Trial trial = TestTrials.text(corpus.toUri().toString(), 16, 4, 60L * 4 * 16);
    Checkpoints checkpoints =
        Checkpoints.every(new Configuration(), dir.resolve("ckpt").toUri().toString(), 0, 25);
    TrialResult uninterrupted = TRAINER.train(trial, Device.cpu(), StepListener.NONE);
    assertThrows(Kill.class, () -> TRAINER.train(trial, Device.cpu(), killAt(30), checkpoints));
    Recorder recorder = new Recorder();
    TrialResult resumed = TRAINER.train(trial, Device.cpu(), recorder, checkpoints);
    assertEquals(25, recorder.resumedFrom.get());
    assertEquals(TrialStatus.FINISHED, resumed.status(), resumed.error());
    assertEquals(uninterrupted.curve().size(), resumed.curve().size());
    for (int i = 0; i < resumed.curve().size(); i++) {
      CurvePoint a = uninterrupted.curve().get(i);
      CurvePoint b = resumed.curve().get(i);
      assertEquals(a.step(), b.step());
      assertEquals(a.trainLoss(), b.trainLoss(), TOLERANCE, "train loss at step " + a.step());
      assertEquals(a.evalLoss(), b.evalLoss(), TOLERANCE, "eval loss at step " + a.step());
      assertEquals(a.gradNoiseScale(), b.gradNoiseScale(), "noise scale at step " + a.step());
    }
    assertEquals(uninterrupted.finalEvalLoss(), resumed.finalEvalLoss(), TOLERANCE);
    assertEquals(uninterrupted.evalTokensPerByte(), resumed.evalTokensPerByte());
    assertEquals(uninterrupted.epochs(), resumed.epochs());
  }

  @Test
  void checkpoint_resumeContinuesWhereItStopped(@TempDir Path dir) throws Exception {
    Checkpoints checkpoints = Checkpoints.every(new Configuration(), dir.toUri().toString(), 0, 25);
    long t0 = System.nanoTime();
    TrialResult uninterrupted = TRAINER.train(TRIAL, Device.cpu(), StepListener.NONE);
    long t1 = System.nanoTime();
    assertThrows(Kill.class, () -> TRAINER.train(TRIAL, Device.cpu(), killAt(60), checkpoints));
    Path trialDir = dir.resolve(TRIAL.trialId());
    assertEquals(
        List.of(CheckpointStore.stepName(50)),
        files(trialDir),
        "only the newest checkpoint is kept");

    Recorder recorder = new Recorder();
    TrialResult resumed = TRAINER.train(TRIAL, Device.cpu(), recorder, checkpoints);
    assertEquals(50, recorder.resumedFrom.get());
    assertEquals(60, recorder.firstSteps.get(), "the resumed attempt starts after the checkpoint");
    assertEquals(TrialStatus.FINISHED, resumed.status(), resumed.error());
    assertEquals(TRIAL.steps(), resumed.stepsDone());
    assertEquals(TRIAL.tokensTrained(), resumed.tokensTrained());

    long[] steps = resumed.curve().stream().mapToLong(CurvePoint::step).toArray();
    assertArrayEquals(
        new long[] {20, 40, 60, 80, 100, 120}, steps, "continuous curve: " + resumed.curve());
    assertArrayEquals(uninterrupted.curve().stream().mapToLong(CurvePoint::step).toArray(), steps);
    for (int i = 0; i < steps.length; i++) {
      CurvePoint a = uninterrupted.curve().get(i);
      CurvePoint b = resumed.curve().get(i);
      assertEquals(a.lr(), b.lr(), 0.0);
      assertEquals(a.tokens(), b.tokens());
      assertEquals(a.trainLoss(), b.trainLoss(), TOLERANCE, "train loss at step " + a.step());
      assertEquals(a.evalLoss(), b.evalLoss(), TOLERANCE, "eval loss at step " + a.step());
      assertEquals(a.gradNoiseScale(), b.gradNoiseScale(), "noise scale at step " + a.step());
    }
    assertEquals(uninterrupted.finalEvalLoss(), resumed.finalEvalLoss(), TOLERANCE);
    assertEquals(uninterrupted.finalTrainLoss(), resumed.finalTrainLoss(), TOLERANCE);
    assertTrue(resumed.tokensPerSecond() > 0 && resumed.wallSeconds() > 0);
    System.out.printf(
        "checkpoint resume: eval uninterrupted %.9f resumed %.9f (diff %.2e), train %.9f vs %.9f;"
            + " uninterrupted %.2fs, resumed wall %.2fs%n",
        uninterrupted.finalEvalLoss(),
        resumed.finalEvalLoss(),
        Math.abs(uninterrupted.finalEvalLoss() - resumed.finalEvalLoss()),
        uninterrupted.finalTrainLoss(),
        resumed.finalTrainLoss(),
        (t1 - t0) / 1e9,
        resumed.wallSeconds());

    // The last checkpoint stays for the caller to clear after committing the result.
    assertEquals(List.of(CheckpointStore.stepName(100)), files(trialDir));
    checkpoints.clear(TRIAL.trialId());
    assertFalse(Files.exists(trialDir));
    checkpoints.clear(TRIAL.trialId()); // idempotent
  }

  /**
   * A trial that accumulates 2 microbatches and measures the gradient noise scale resumes its
   * moving averages from the checkpoint: every curve point (losses and noise scale) and the
   * result's noise scale equal the uninterrupted run's as raw bits.
   */
  @Test
  void checkpoint_resumedNoiseScaleIsTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Trial trial =
        TestTrials.withTraining(
            TestTrials.synthetic(
                TestTrials.SMALL_LANGUAGE, 32, 1, 2, 16, 60L * 16 * 16, 16, 3e-3, 1.0, 10),
            t -> t.withMicrobatches(2));
    assertTrue(trial.training().measuresNoiseScale());
    Checkpoints checkpoints = Checkpoints.every(new Configuration(), dir.toUri().toString(), 0, 25);
    TrialResult uninterrupted = TRAINER.train(trial, Device.cpu(), StepListener.NONE);
    assertThrows(Kill.class, () -> TRAINER.train(trial, Device.cpu(), killAt(30), checkpoints));
    CheckpointState saved =
        CheckpointCodec.read(
            Files.readAllBytes(dir.resolve(trial.trialId()).resolve(CheckpointStore.stepName(25))));
    assertEquals(25, saved.progress().noiseScale().updates(), "one update per step");
    Recorder recorder = new Recorder();
    TrialResult resumed = TRAINER.train(trial, Device.cpu(), recorder, checkpoints);
    assertEquals(25, recorder.resumedFrom.get());
    assertEquals(TrialStatus.FINISHED, resumed.status(), resumed.error());
    assertEquals(uninterrupted.curve().size(), resumed.curve().size());
    for (int i = 0; i < resumed.curve().size(); i++) {
      CurvePoint a = uninterrupted.curve().get(i);
      CurvePoint b = resumed.curve().get(i);
      assertEquals(a.step(), b.step());
      assertEquals(
          Double.doubleToRawLongBits(a.trainLoss()),
          Double.doubleToRawLongBits(b.trainLoss()),
          "train loss at step " + a.step());
      assertEquals(
          Double.doubleToRawLongBits(a.evalLoss()),
          Double.doubleToRawLongBits(b.evalLoss()),
          "eval loss at step " + a.step());
      assertNotNull(a.gradNoiseScale(), "measured at step " + a.step());
      assertEquals(
          Double.doubleToRawLongBits(a.gradNoiseScale()),
          Double.doubleToRawLongBits(b.gradNoiseScale()),
          "noise scale at step " + a.step());
    }
    assertEquals(
        Double.doubleToRawLongBits(uninterrupted.gradNoiseScale()),
        Double.doubleToRawLongBits(resumed.gradNoiseScale()));
  }

  @Test
  void checkpoint_corruptAndTemporaryFilesAreIgnored(@TempDir Path dir) throws Exception {
    Checkpoints checkpoints = Checkpoints.every(new Configuration(), dir.toUri().toString(), 0, 25);
    assertThrows(Kill.class, () -> TRAINER.train(TRIAL, Device.cpu(), killAt(60), checkpoints));
    Path trialDir = dir.resolve(TRIAL.trialId());
    Path good = trialDir.resolve(CheckpointStore.stepName(50));
    byte[] bytes = Files.readAllBytes(good);
    // A kill mid-write leaves a partial temporary file; a bad disk a newer checkpoint that fails
    // its CRC.
    Files.write(
        trialDir.resolve(CheckpointStore.TEMP_PREFIX + "partial" + CheckpointStore.SUFFIX),
        Arrays.copyOf(bytes, bytes.length / 2));
    byte[] flipped = bytes.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(trialDir.resolve(CheckpointStore.stepName(75)), flipped);
    Files.write(
        trialDir.resolve(CheckpointStore.stepName(80)), Arrays.copyOf(bytes, bytes.length - 3));

    Recorder recorder = new Recorder();
    TrialResult resumed = TRAINER.train(TRIAL, Device.cpu(), recorder, checkpoints);
    assertEquals(50, recorder.resumedFrom.get(), "the newest valid checkpoint is step 50");
    assertEquals(TrialStatus.FINISHED, resumed.status(), resumed.error());
    assertEquals(6, resumed.curve().size());

    // Only garbage: start from step 0, no onResume.
    checkpoints.clear(TRIAL.trialId());
    Files.createDirectories(trialDir);
    Files.write(trialDir.resolve(CheckpointStore.stepName(40)), new byte[] {1, 2, 3});
    Recorder fresh = new Recorder();
    TrialResult restarted = TRAINER.train(TRIAL, Device.cpu(), fresh, checkpoints);
    assertEquals(-1, fresh.resumedFrom.get());
    assertEquals(10, fresh.firstSteps.get());
    assertEquals(TrialStatus.FINISHED, restarted.status(), restarted.error());
  }

  @Test
  void checkpoint_ofAnotherScheduleIsNotResumed(@TempDir Path dir) throws Exception {
    Checkpoints checkpoints = Checkpoints.every(new Configuration(), dir.toUri().toString(), 0, 25);
    assertThrows(Kill.class, () -> TRAINER.train(TRIAL, Device.cpu(), killAt(60), checkpoints));
    Path file = dir.resolve(TRIAL.trialId()).resolve(CheckpointStore.stepName(50));
    CheckpointState saved = CheckpointCodec.read(Files.readAllBytes(file));
    assertEquals(TRIAL.schedule().resumeState(50), saved.schedule());
    // The same checkpoint, but claiming a cosine schedule with another floor: the trial must not
    // continue it.
    ScheduleState other =
        CosineSchedule.of(
                TRIAL.training().learningRate(),
                TRIAL.steps(),
                TRIAL.training().warmupFraction(),
                0.5)
            .resumeState(50);
    CheckpointState tampered =
        new CheckpointState(
            saved.trialId(),
            saved.progress(),
            saved.trainWindows(),
            other,
            saved.parameters(),
            saved.adam());
    checkpoints.clear(TRIAL.trialId());
    new CheckpointStore(new Configuration(), dir.toUri().toString()).save(tampered);
    assertEquals(other, CheckpointCodec.read(Files.readAllBytes(file)).schedule());
    Recorder recorder = new Recorder();
    TrialResult result = TRAINER.train(TRIAL, Device.cpu(), recorder, checkpoints);
    assertEquals(-1, recorder.resumedFrom.get(), "not resumed");
    assertEquals(10, recorder.firstSteps.get());
    assertEquals(TrialStatus.FINISHED, result.status(), result.error());
    assertEquals(0, result.resumedFromStep());
  }

  @Test
  void checkpoint_policy() {
    Checkpoints everySecond = Checkpoints.every(new Configuration(), "file:/tmp/x", 1.0);
    assertFalse(everySecond.due(999_000_000L, 100));
    assertTrue(everySecond.due(1_000_000_000L, 1));
    Checkpoints everyTen = Checkpoints.every(new Configuration(), "file:/tmp/x", 0, 10);
    assertFalse(everyTen.due(5_000_000_000L, 9));
    assertTrue(everyTen.due(0, 10));
    assertFalse(Checkpoints.NONE.due(Long.MAX_VALUE, Long.MAX_VALUE));
    assertFalse(Checkpoints.NONE.enabled());
    Checkpoints.NONE.clear("anything");
    assertThrows(
        IllegalArgumentException.class, () -> Checkpoints.every(new Configuration(), "x", -1));
    assertThrows(
        IllegalArgumentException.class, () -> Checkpoints.every(new Configuration(), "x", 1, 0));
    assertEquals(12, CheckpointStore.stepOf(CheckpointStore.stepName(12)));
    assertEquals(
        -1, CheckpointStore.stepOf(CheckpointStore.TEMP_PREFIX + "1" + CheckpointStore.SUFFIX));
  }
}
