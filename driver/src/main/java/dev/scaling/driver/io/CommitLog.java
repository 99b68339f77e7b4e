package dev.scaling.driver.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.scaling.common.trial.TrialOutcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The durable record of finished trials: one JSON file per trial under {@code OUT/commits/}, named by
 * trial id, written by the Spark task the moment its trial ends (temporary name, then rename), so a
 * crash of the driver or an executor never loses a finished trial. The Parquet tables are consolidated
 * from these files, one row per trial id however many attempts Spark ran.
 */
public final class CommitLog {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final Path dir;
  private final Configuration conf;

  /**
   * @param outDir the sweep's OUT folder (any Hadoop FS URI)
   * @param conf Hadoop configuration to reach it
   */
  public CommitLog(String outDir, Configuration conf) {
    this.dir = new Path(outDir, "commits");
    this.conf = conf;
  }

  /**
   * Commits one trial's outcome. If a file for the trial already exists (an earlier attempt or a
   * speculative twin committed first), the first commit wins and this one is dropped.
   *
   * @return true when this call's outcome is the one on disk
   */
  public boolean commit(TrialOutcome outcome) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    Path target = new Path(dir, outcome.trial().trialId() + ".json");
    if (fs.exists(target)) {
      return false;
    }
    Path tmp = new Path(dir, "." + outcome.trial().trialId() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      JSON.writeValue(out, outcome);
    }
    if (fs.exists(target) || !fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      return false;
    }
    return true;
  }

  /** Every committed outcome, keyed by trial id (empty when nothing was committed yet). */
  public Map<String, TrialOutcome> readAll() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Map<String, TrialOutcome> out = new LinkedHashMap<>();
    FileStatus[] files;
    try {
      files = fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("."));
    } catch (FileNotFoundException e) {
      return out;
    }
    java.util.Arrays.sort(files, java.util.Comparator.comparing(f -> f.getPath().getName()));
    for (FileStatus f : files) {
      try (InputStream in = fs.open(f.getPath())) {
        TrialOutcome o = JSON.readValue(in, TrialOutcome.class);
        out.put(o.trial().trialId(), o);
      } catch (IOException | RuntimeException e) {
        throw new IOException("commit file " + f.getPath() + " is unreadable: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Removes a trial's commit (used by --rerun-failed and --force). */
  public void remove(String trialId) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.delete(new Path(dir, trialId + ".json"), false);
  }
}
