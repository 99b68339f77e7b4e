package dev.scaling.driver.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.TrialOutcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The durable record of finished trials: one JSON file per trial under {@code OUT/commits/}, named
 * by trial id, written by the Spark task the moment its trial ends, so a crash of the driver or an
 * executor never loses a finished trial. The Parquet tables are consolidated from these files, one
 * row per trial id however many attempts Spark ran.
 *
 * <p><b>Commit once, per store.</b> Two attempts of one trial can both finish (a speculative twin,
 * an attempt whose executor was presumed lost). Where the store can create a file only if it is
 * absent, the first complete commit wins and every later one is dropped; {@link #commit} returns
 * the outcome on the store, so both writers see the same one:
 *
 * <ul>
 *   <li>local file systems ({@code file:}): the JSON is written to a temporary sibling and
 *       hard-linked to the final name ({@code link(2)} fails when the name exists: atomic, and
 *       never a partial file);
 *   <li>HDFS and other stores whose rename refuses an existing destination atomically: temporary
 *       file, then {@code rename};
 *   <li>S3A: {@code createFile(path).overwrite(false)}. From Hadoop 3.5.0 (HADOOP-19256, option
 *       {@code fs.s3a.create.conditional.enabled}, on by default) that is a conditional PUT ({@code
 *       If-None-Match: *}) checked when the stream closes: atomic on S3 and stores that support
 *       conditional writes. With the Hadoop 3.4.2 that Spark 4.1 ships, and on stores without
 *       conditional writes, it is an existence check and then a PUT: <b>last writer wins</b>. Two
 *       racing writers can both write, and each may read back its own outcome. Both are outcomes of
 *       the same trial (same configuration and seed; losses agree where training is
 *       bit-reproducible, run metadata such as executor, attempt and wall time differ); the tables
 *       hold whichever is on the store when they are consolidated.
 * </ul>
 *
 * S3A's rename is a copy and a delete, so it is never used for commits.
 */
public final class CommitLog {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(TrainingSpecJson.module())
          .addModule(DataSpecJson.module())
          .addModule(ModelJson.module())
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
   * Commits one trial's outcome unless the trial already has a commit (see the class comment for
   * what each store guarantees).
   *
   * @return the outcome on the store after this call: {@code outcome} when this call's commit won,
   *     else the earlier commit
   */
  public TrialOutcome commit(TrialOutcome outcome) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    String id = outcome.trial().trialId();
    Path target = new Path(dir, id + ".json");
    if (!fs.exists(target)) {
      byte[] bytes = JSON.writeValueAsBytes(outcome);
      if (fs instanceof LocalFileSystem local) {
        linkIfAbsent((RawLocalFileSystem) local.getRaw(), target, bytes);
      } else if (fs instanceof RawLocalFileSystem raw) {
        linkIfAbsent(raw, target, bytes);
      } else if ("s3a".equals(fs.getScheme())) {
        createIfAbsent(fs, target, bytes);
      } else {
        renameIfAbsent(fs, target, bytes);
      }
    }
    return read(fs, target);
  }

  /** Temporary file, then a hard link to the final name: fails atomically when the name exists. */
  private static void linkIfAbsent(RawLocalFileSystem raw, Path target, byte[] bytes)
      throws IOException {
    java.nio.file.Path file = raw.pathToFile(target).toPath();
    java.nio.file.Path tmp =
        file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW);
    try {
      Files.createLink(file, tmp);
      // A checksum left by a commit that was deleted by hand would fail LocalFileSystem's reads of
      // this one.
      Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    } catch (FileAlreadyExistsException lost) {
      // An earlier attempt committed first; its outcome stands.
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A create that fails when the object exists (a conditional PUT on S3A with conditional writes).
   */
  private static void createIfAbsent(FileSystem fs, Path target, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.createFile(target).overwrite(false).build()) {
      out.write(bytes);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException lost) {
      // An earlier attempt committed first; its outcome stands.
    } catch (IOException e) {
      if (!fs.exists(target)) {
        throw e;
      }
    }
  }

  /** Temporary file, then a rename that refuses an existing destination (HDFS). */
  private static void renameIfAbsent(FileSystem fs, Path target, byte[] bytes) throws IOException {
    Path tmp =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(bytes);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
    }
  }

  private static TrialOutcome read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return JSON.readValue(in, TrialOutcome.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException("commit file " + file + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** Every committed outcome, keyed by trial id (empty when nothing was committed yet). */
  public Map<String, TrialOutcome> readAll() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Map<String, TrialOutcome> out = new LinkedHashMap<>();
    FileStatus[] files;
    try {
      files =
          fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("."));
    } catch (FileNotFoundException e) {
      return out;
    }
    Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
    for (FileStatus f : files) {
      TrialOutcome o;
      try {
        o = read(fs, f.getPath());
      } catch (IOException e) {
        // A commit this build cannot read was written by another version (e.g. before trial-id
        // scheme v2):
        // the user decides whether to start over, so this is an input error, not a crash.
        throw new SpecException(
            "--out",
            "a folder whose commits this version can read; "
                + e.getMessage()
                + ". Start over in it with --force, or use a new --out",
            dir.getParent().toString());
      }
      out.put(o.trial().trialId(), o);
    }
    return out;
  }

  /**
   * Deletes every commit file without reading it (for {@code --force}, which must work even on
   * commits this version cannot read).
   *
   * @return how many commit files were deleted
   */
  public int removeAll() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    FileStatus[] files;
    try {
      files =
          fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("."));
    } catch (FileNotFoundException e) {
      return 0;
    }
    for (FileStatus f : files) {
      fs.delete(f.getPath(), false);
    }
    return files.length;
  }

  /** Removes a trial's commit (used by --rerun-failed and --force). */
  public void remove(String trialId) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.delete(new Path(dir, trialId + ".json"), false);
  }
}
