package dev.scaling.worker.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".crc"))
          .sorted()
          .toList();
    }
  }

  @Test
  void save_keepsOnlyTheNewestAndLoadReturnsIt(@TempDir Path dir) throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration(), dir.toUri().toString());
    assertNull(store.load("t1"), "no directory yet");
    store.save(CheckpointCodecTest.sample("t1", 10));
    long size = store.save(CheckpointCodecTest.sample("t1", 20));
    assertEquals(List.of("step-000000000020.ckpt"), files(dir.resolve("t1")));
    assertEquals(Files.size(dir.resolve("t1").resolve(CheckpointStore.stepName(20))), size);
    assertEquals(20, store.load("t1").step());
    assertNull(store.load("t2"), "another trial has none");
  }

  @Test
  void load_skipsFilesThatAreNotThisTrialsCheckpointOfTheirStep(@TempDir Path dir)
      throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration(), dir.toUri().toString());
    store.save(CheckpointCodecTest.sample("t1", 10));
    Path trialDir = dir.resolve("t1");
    byte[] good = Files.readAllBytes(trialDir.resolve(CheckpointStore.stepName(10)));
    // A newer-named file holding step 10, a temporary file and one of another trial: none is used.
    Files.write(trialDir.resolve(CheckpointStore.stepName(30)), good);
    Files.write(trialDir.resolve(CheckpointStore.TEMP_PREFIX + "x" + CheckpointStore.SUFFIX), good);
    store.save(CheckpointCodecTest.sample("t2", 40));
    Files.copy(
        dir.resolve("t2").resolve(CheckpointStore.stepName(40)),
        trialDir.resolve(CheckpointStore.stepName(40)));
    assertEquals(10, store.load("t1").step());
  }

  @Test
  void clear_deletesTheTrialsCheckpointsOnly(@TempDir Path dir) throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration(), dir.toUri().toString());
    store.save(CheckpointCodecTest.sample("t1", 10));
    store.save(CheckpointCodecTest.sample("t2", 10));
    store.clear("t1");
    assertFalse(Files.exists(dir.resolve("t1")));
    assertEquals(10, store.load("t2").step());
    store.clear("t1");
  }

  @Test
  void stepName_roundTripsAndRejectsOtherNames() {
    assertEquals("step-000000000012.ckpt", CheckpointStore.stepName(12));
    assertEquals(12, CheckpointStore.stepOf(CheckpointStore.stepName(12)));
    assertEquals(
        -1, CheckpointStore.stepOf(CheckpointStore.TEMP_PREFIX + "1" + CheckpointStore.SUFFIX));
    assertEquals(-1, CheckpointStore.stepOf("step-.ckpt"));
    assertEquals(-1, CheckpointStore.stepOf("step-12a.ckpt"));
  }

  @Test
  void policy_isDueAfterBothTheIntervalAndTheSteps() {
    CheckpointPolicy policy = CheckpointPolicy.every(2.0, 5);
    assertFalse(policy.due(1_999_999_999L, 100));
    assertFalse(policy.due(3_000_000_000L, 4));
    assertTrue(policy.due(2_000_000_000L, 5));
    assertFalse(CheckpointPolicy.NEVER.due(Long.MAX_VALUE, Long.MAX_VALUE));
  }
}
