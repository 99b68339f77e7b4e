package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.model.ModelFamilyKind;
import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ModelFamilySettings;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.ParamCounts;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial's parametrization in commit files keeps the JSON form commit files always had ({@code
 * "parametrization":{"name":"mup","baseWidth":32}}, null for the standard one), so older runs stay
 * readable.
 */
class CommitLogParametrizationTest {

  static Trial trial(String modelExtra) {
    return Planner.plan(
            SpecParser.parse(
                """
        name: c
        seed: 1
        data: {source: synthetic}
        model: {context: 16, head_size: 16%s}
        grid: {width: [32], depth: [1], tokens: [4096]}
        training: {batch_size: 8, learning_rate: 3.0e-3}
        """
                    .formatted(modelExtra)))
        .trials()
        .get(0);
  }

  @Test
  void commit_writesAndReadsMupInTheFormOfEarlierCommitFiles(@TempDir Path dir) throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    String[][] cases = {
      {
        ", parametrization: mup, base_width: 16",
        "\"parametrization\":{\"name\":\"mup\",\"baseWidth\":16}"
      },
      {", parametrization: mup", "\"parametrization\":{\"name\":\"mup\",\"baseWidth\":32}"},
      {"", "\"parametrization\":null"}
    };
    for (String[] c : cases) {
      Trial trial = trial(c[0]);
      TrialOutcome written = CommitLogTest.outcome(trial, 0);
      assertEquals(written, log.commit(written));
      String json = Files.readString(dir.resolve("commits").resolve(trial.trialId() + ".json"));
      assertTrue(json.contains(c[1]), json);
      assertTrue(!json.contains("familySettings"), "no key for a family without settings: " + json);
      assertEquals(written, log.readAll().get(trial.trialId()), c[0]);
    }
  }

  /** A family's own settings, to show they travel in commit files under the family's name. */
  record GatedSettings(int gates) implements ModelFamilySettings {
    @Override
    public String walkKey() {
      return "gated";
    }
  }

  @Test
  void commit_writesAndReadsAFamilysOwnSettingsUnderItsName(@TempDir Path dir) throws Exception {
    ModelFamilyKinds.register(
        new ModelFamilyKind() {
          @Override
          public String name() {
            return "gated";
          }

          @Override
          public Class<GatedSettings> settingsType() {
            return GatedSettings.class;
          }
        });
    TrialConfig c = trial(", parametrization: mup").config();
    TrialConfig gated =
        new TrialConfig(
            c.sweepSeed(),
            "gated",
            c.width(),
            c.depth(),
            c.heads(),
            c.context(),
            c.tokens(),
            c.replica(),
            c.data(),
            c.training(),
            c.parametrization(),
            new GatedSettings(3));
    Trial trial = Trial.of("c", gated, 64, new ParamCounts(1000, 2000));
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    TrialOutcome written = CommitLogTest.outcome(trial, 0);
    assertEquals(written, log.commit(written));
    String json = Files.readString(dir.resolve("commits").resolve(trial.trialId() + ".json"));
    assertTrue(
        json.contains(
            "\"parametrization\":{\"name\":\"mup\",\"baseWidth\":32},"
                + "\"familySettings\":{\"gated\":{\"gates\":3}}"),
        json);
    assertEquals(written, log.readAll().get(trial.trialId()));
  }

  @Test
  void read_commitWithoutAParametrizationIsStandard(@TempDir Path dir) throws Exception {
    Trial trial = trial("");
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    TrialOutcome written = CommitLogTest.outcome(trial, 0);
    log.commit(written);
    Path file = dir.resolve("commits").resolve(trial.trialId() + ".json");
    String json = Files.readString(file);
    // Commit files written before trials carried a parametrization have no such key.
    Files.writeString(file, json.replace(",\"parametrization\":null", ""));
    Files.deleteIfExists(dir.resolve("commits").resolve("." + trial.trialId() + ".json.crc"));
    assertTrue(!Files.readString(file).contains("parametrization"), Files.readString(file));
    assertEquals(written, log.readAll().get(trial.trialId()));
  }
}
