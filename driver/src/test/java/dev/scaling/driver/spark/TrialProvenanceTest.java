package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.CommitLogTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume warning about commits of other application versions, old commits without provenance
 * included.
 */
class TrialProvenanceTest {
  static TrialOutcome withVersion(String version) {
    TrialOutcome o = CommitLogTest.outcome(0);
    return new TrialOutcome(
        o.trial(),
        o.result(),
        o.runId(),
        o.executorId(),
        o.host(),
        o.attempt(),
        version == null ? null : new Provenance(version, "0.35.1", "2.7.1", "17", "amd64", 1));
  }

  @Test
  void foreignVersions_countsEachOtherVersionAndUnrecordedCommits() {
    assertEquals(
        Optional.empty(), TrialProvenance.foreignVersions(List.of(withVersion("1.0")), "1.0"));
    String warning =
        TrialProvenance.foreignVersions(
                List.of(
                    withVersion("1.0"), withVersion("0.9"), withVersion("0.9"), withVersion(null)),
                "1.0")
            .orElseThrow();
    assertTrue(warning.contains("3 of 4 committed trial(s)"), warning);
    assertTrue(warning.contains("0.9 (2), " + TrialProvenance.UNRECORDED + " (1)"), warning);
    assertTrue(warning.contains("this is 1.0"), warning);
  }

  @Test
  void commitWithoutProvenance_readsBackWithNullProvenance(@TempDir Path dir) throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    TrialOutcome old = withVersion(null);
    log.commit(withVersion("1.0"));
    Path file = dir.resolve("commits").resolve(old.trial().trialId() + ".json");
    String json = Files.readString(file);
    String stripped = json.replaceFirst(",\"provenance\":\\{[^}]*\\}", "");
    assertTrue(!stripped.equals(json) && !stripped.contains("provenance"), stripped);
    Files.writeString(file, stripped);
    Files.deleteIfExists(dir.resolve("commits").resolve("." + old.trial().trialId() + ".json.crc"));
    assertNull(log.readAll().get(old.trial().trialId()).provenance());
  }
}
