package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.spark.TrialProvenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a spec identifies its inputs by content: a corpus edited in place gets new trial ids. */
class SweepLoaderTest {
  static String spec(Path corpus) {
    return """
        name: loaded
        seed: 4
        data: {source: text, path: "%s", eval_tokens: 64, validation_fraction: 0.25}
        model: {context: 8, head_size: 8}
        grid: {width: [8], depth: [1], tokens: [256, 512]}
        training: {batch_size: 2, learning_rate: 1.0e-3, eval_interval: 10}
        """
        .formatted(corpus.toUri());
  }

  static List<String> ids(LoadedSweep s) {
    return s.plan().trials().stream().map(Trial::trialId).toList();
  }

  @Test
  void load_givesNewTrialIdsWhenTheCorpusIsEditedInPlace(@TempDir Path dir) throws IOException {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("a.txt"), "the cat sat on the mat. ".repeat(40));
    Files.writeString(corpus.resolve("b.txt"), "a dog ran in the fog. ".repeat(40));
    Files.writeString(corpus.resolve("_tokens"), "a cache beside it is not the corpus");
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, spec(corpus));
    Configuration conf = new Configuration();

    LoadedSweep before = SweepLoader.load(file.toString(), conf);
    assertNotNull(before.spec().data().inputs(), "a text spec carries its corpus digest");
    assertNull(before.spec().data().inputs().tokenizerFile(), "bytes tokenizer: no file");
    assertEquals(ids(before), ids(SweepLoader.load(file.toString(), conf)), "stable when unedited");
    // Planned without loading (no digest), the ids are the content-blind ones.
    List<String> blind =
        ids(new LoadedSweep("", before.spec(), Planner.plan(SpecParser.parse(spec(corpus)))));
    assertNotEquals(blind, ids(before));

    // A file of the cache folder's kind changes: the corpus does not.
    Files.writeString(corpus.resolve("_tokens"), "rebuilt");
    assertEquals(ids(before), ids(SweepLoader.load(file.toString(), conf)));

    // The same size, another content and time: an edit in place.
    Files.writeString(corpus.resolve("a.txt"), "the bat sat on the hat. ".repeat(40));
    Files.setLastModifiedTime(
        corpus.resolve("a.txt"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    LoadedSweep after = SweepLoader.load(file.toString(), conf);
    assertNotEquals(ids(before).get(0), ids(after).get(0));
    assertNotEquals(ids(before).get(1), ids(after).get(1));
  }

  @Test
  void commit_ofATrialWithAnInputDigestReadsBackWithItsId(@TempDir Path dir) throws IOException {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("a.txt"), "words and more words. ".repeat(40));
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, spec(corpus));
    Trial t = SweepLoader.load(file.toString(), new Configuration()).plan().trials().get(0);
    String out = dir.resolve("out").toUri().toString();
    CommitLog log = new CommitLog(out, new Configuration());
    log.commit(
        new TrialOutcome(
            t,
            TrialResult.builder(t.trialId(), TrialStatus.FINISHED)
                .finalTrainLoss(3.0)
                .finalEvalLoss(3.1)
                .stepsDone(t.steps())
                .tokensTrained(t.tokens())
                .device("cpu()")
                .build(),
            "run",
            "driver",
            "localhost",
            0,
            TrialProvenance.current()));
    TrialOutcome back = new CommitLog(out, new Configuration()).readAll().get(t.trialId());
    assertNotNull(back, "read back under its id");
    assertEquals(t.data().inputs(), back.trial().data().inputs());
  }
}
