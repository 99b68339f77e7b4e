package dev.scaling.driver.sweep;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.plan.Planner;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * The outcomes of a sweep's output folder, read back after its run for a later analysis ({@code
 * ./sweep fit --form batch --input OUT}): the committed trials that are in the plan of {@code
 * OUT/spec.yaml}, in plan order, as the end of {@code ./sweep run} fits them.
 *
 * @param outDir the folder, qualified
 * @param outcomes the committed outcomes of the sweep's plan, in plan order, curves included
 * @param notes what the reading left out or could not check
 */
public record FinishedSweep(String outDir, List<TrialOutcome> outcomes, List<String> notes) {
  public FinishedSweep {
    outcomes = List.copyOf(outcomes);
    notes = List.copyOf(notes);
  }

  /**
   * Whether {@code location} is a sweep's output folder: a folder holding a {@code trials} folder
   * and a {@code commits} folder. False for a file, a path that does not exist or cannot be looked
   * at (the table reader then reports it).
   */
  public static boolean isSweepOut(String location, Configuration hadoop) {
    try {
      Path p = new Path(location);
      FileSystem fs = p.getFileSystem(hadoop);
      return fs.getFileStatus(p).isDirectory()
          && isFolder(fs, new Path(p, "trials"))
          && isFolder(fs, new Path(p, "commits"));
    } catch (IllegalArgumentException | UnsupportedFileSystemException | FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + location, e);
    }
  }

  private static boolean isFolder(FileSystem fs, Path p) throws IOException {
    return fs.exists(p) && fs.getFileStatus(p).isDirectory();
  }

  /**
   * Reads the commits of the sweep in {@code location} ({@link CommitLog#load}, which sets aside
   * unreadable commits in {@code OUT/quarantine} as a resume does) and keeps those of the plan of
   * {@code OUT/spec.yaml}; without a spec, or one that no longer plans (e.g. a corpus moved away),
   * every commit, with a note saying so.
   */
  public static FinishedSweep read(String location, Configuration hadoop) throws IOException {
    String outDir = SweepFiles.qualify(location, hadoop);
    CommitLog.Read read = new CommitLog(outDir, hadoop).load();
    List<String> notes = new ArrayList<>();
    for (CommitLog.Quarantined q : read.quarantined()) {
      notes.add(
          "unreadable commit " + q.commit() + " set aside in " + q.movedTo() + ": " + q.reason());
    }
    String spec = SweepFiles.readTextIfExists(outDir + "/spec.yaml", hadoop);
    if (spec == null) {
      notes.add(location + " has no spec.yaml: every committed trial is read");
      return new FinishedSweep(outDir, new ArrayList<>(read.outcomes().values()), notes);
    }
    List<TrialOutcome> all;
    try {
      all =
          SweepService.inPlan(
              read.outcomes().values(), Planner.plan(SweepLoader.parse(spec, hadoop)).positions());
    } catch (IOException | RuntimeException e) {
      notes.add(
          location
              + "/spec.yaml does not plan here ("
              + e.getMessage()
              + "): every committed trial is read");
      return new FinishedSweep(outDir, new ArrayList<>(read.outcomes().values()), notes);
    }
    int foreign = read.outcomes().size() - all.size();
    if (foreign > 0) {
      notes.add(foreign + " commit(s) not in the plan of spec.yaml (an earlier grid) left out");
    }
    return new FinishedSweep(outDir, all, notes);
  }
}
