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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.functional.FutureIO;

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
 *
 * <p><b>Durable before visible.</b> On a local file system the temporary file is forced to disk
 * before it is linked, and the folder after, so a power loss leaves either no commit or a whole
 * one; on HDFS the temporary file is {@code hsync}ed before its rename.
 *
 * <p><b>Unreadable commits are set aside, never deleted.</b> A commit that is empty, cannot be
 * parsed or fails its checksum is moved to {@code OUT/quarantine/} with a {@code .reason} file
 * beside it; its trial counts as not committed, so it trains again. {@link #startOver} (for {@code
 * --force}) moves the whole folder aside to {@code OUT/.replaced-<UTC time>/commits}.
 *
 * <p><b>Reading at scale.</b> The layout of OUT that this class reads and writes:
 *
 * <ul>
 *   <li>{@code OUT/commits/<trial id>.json}: one outcome per trial, written by its task (the source
 *       of truth);
 *   <li>{@code OUT/manifests/manifest-<6-digit sequence>.json}: the outcomes of many commits, each
 *       with its commit file's name, length and modification time, written by the driver only
 *       ({@link CommitIndex#compact}) once {@value CommitIndex#MANIFEST_EVERY} commits are not
 *       covered by any and at the end of a run, merged into one when there are more than {@value
 *       CommitIndex#MERGE_ABOVE}; an entry counts only while its commit is listed with that length
 *       and time;
 *   <li>{@code OUT/quarantine/}: unreadable commits and manifests, each with a {@code .reason}.
 * </ul>
 *
 * {@link #load} makes two listings whatever the number of commits (the commit folder, the manifest
 * folder) and opens the manifests and only the commits no manifest covers; {@link #read(String)}
 * opens one trial's commit; {@link #index} keeps what was read for a driver that then reads only
 * what is new. An OUT without manifests reads as before, one open per commit.
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

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * A commit moved out of {@code OUT/commits} because it could not be read.
   *
   * @param commit the commit file's name ({@code <trial id>.json})
   * @param movedTo where it is now
   * @param reason why it could not be read
   */
  public record Quarantined(String commit, String movedTo, String reason) {}

  /**
   * What a read of the commits found.
   *
   * @param outcomes every readable commit, keyed by trial id, in file-name order
   * @param quarantined the commits this read set aside as unreadable
   */
  public record Read(Map<String, TrialOutcome> outcomes, List<Quarantined> quarantined) {
    public Read {
      outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
      quarantined = List.copyOf(quarantined);
    }
  }

  /**
   * What {@link #startOver} did.
   *
   * @param commits commit files moved aside
   * @param movedTo the folder that holds them now, null when there was no commit folder
   * @param checkpointsRemoved whether an {@code OUT/checkpoints} folder was removed
   */
  public record Replaced(int commits, String movedTo, boolean checkpointsRemoved) {}

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
    // Twice at most: an unreadable earlier commit is set aside and this outcome written in its
    // place.
    for (int attempt = 0; attempt < 2; attempt++) {
      if (!fs.exists(target)
          && writeIfAbsent(fs, target, JSON.writeValueAsBytes(outcome))
          && !"s3a".equals(fs.getScheme())) {
        // This call's commit won on a store that creates atomically: the store holds exactly these
        // bytes, so reading them back (a parse and a trial-id check, the task's largest cost after
        // training) would tell nothing. S3A may be last-writer-wins: it reads back.
        return outcome;
      }
      TrialOutcome onStore = readOrSetAside(fs, target, new ArrayList<>());
      if (onStore != null) {
        return onStore;
      }
    }
    throw new IOException("the commit of trial " + id + " at " + target + " stays unreadable");
  }

  /**
   * Writes {@code bytes} to {@code target} unless it exists, never leaving a partial file under
   * that name (see the class comment for each store).
   *
   * @return whether this call wrote it (always true where the store cannot tell: S3A without
   *     conditional writes)
   */
  static boolean writeIfAbsent(FileSystem fs, Path target, byte[] bytes) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      return linkIfAbsent((RawLocalFileSystem) local.getRaw(), target, bytes);
    } else if (fs instanceof RawLocalFileSystem raw) {
      return linkIfAbsent(raw, target, bytes);
    } else if ("s3a".equals(fs.getScheme())) {
      return createIfAbsent(fs, target, bytes);
    } else {
      return renameIfAbsent(fs, target, bytes);
    }
  }

  /** Temporary file, then a hard link to the final name: fails atomically when the name exists. */
  private static boolean linkIfAbsent(RawLocalFileSystem raw, Path target, byte[] bytes)
      throws IOException {
    java.nio.file.Path file = raw.pathToFile(target).toPath();
    java.nio.file.Path tmp =
        file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      // Durable before visible: the content is on disk before the name points at it.
      ch.force(true);
    }
    try {
      Files.createLink(file, tmp);
      syncFolder(file.getParent());
      // A checksum left by a commit that was deleted by hand would fail LocalFileSystem's reads of
      // this one.
      Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
      return true;
    } catch (FileAlreadyExistsException lost) {
      // An earlier attempt committed first; its outcome stands.
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Forces a folder's entries to disk, so a link or rename in it survives a power loss; platforms
   * that cannot open a folder for that (Windows) are left to their own journaling.
   */
  static void syncFolder(java.nio.file.Path folder) {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Refused by the platform: nothing more can be done from Java.
    }
  }

  /**
   * A create that fails when the object exists (a conditional PUT on S3A with conditional writes).
   */
  private static boolean createIfAbsent(FileSystem fs, Path target, byte[] bytes)
      throws IOException {
    try (FSDataOutputStream out = fs.createFile(target).overwrite(false).build()) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException lost) {
      // An earlier attempt committed first; its outcome stands.
      return false;
    } catch (IOException e) {
      if (!fs.exists(target)) {
        throw e;
      }
      return false;
    }
  }

  /** Temporary file, then a rename that refuses an existing destination (HDFS). */
  private static boolean renameIfAbsent(FileSystem fs, Path target, byte[] bytes)
      throws IOException {
    Path tmp =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (FSDataOutputStream out = fs.create(tmp, false)) {
      out.write(bytes);
      // Durable before visible: on the datanodes' disks before the rename names it.
      out.hsync();
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      return false;
    }
    return true;
  }

  /**
   * The outcome in {@code file}, or null when it was unreadable (then moved to quarantine and added
   * to {@code quarantined}) or is gone (set aside meanwhile by another reader).
   */
  private TrialOutcome readOrSetAside(FileSystem fs, Path file, List<Quarantined> quarantined)
      throws IOException {
    Parsed p = readCommit(fs, file, null, quarantined);
    return p == null ? null : p.outcome();
  }

  /**
   * A commit as read.
   *
   * @param outcome what it holds
   * @param length how many bytes it held
   */
  record Parsed(TrialOutcome outcome, long length) {}

  /**
   * The commit in {@code file} (opened with {@code status} when known, which spares an object
   * store's status lookup), or null when it was unreadable (then moved to quarantine and added to
   * {@code quarantined}) or is gone.
   */
  Parsed readCommit(FileSystem fs, Path file, FileStatus status, List<Quarantined> quarantined)
      throws IOException {
    String reason;
    try (InputStream in = openForRead(fs, file, status)) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        reason = "the file is empty (what a power loss before the commit reached the disk leaves)";
      } else {
        return new Parsed(JSON.readValue(bytes, TrialOutcome.class), bytes.length);
      }
    } catch (FileNotFoundException gone) {
      return null;
    } catch (ChecksumException | com.fasterxml.jackson.core.JacksonException e) {
      reason = "cannot be parsed: " + firstLine(e.getMessage());
    } catch (RuntimeException e) {
      reason = "does not hold a valid outcome: " + firstLine(e.getMessage());
    }
    quarantine(fs, file, reason).ifPresent(quarantined::add);
    return null;
  }

  /** Opens {@code file}, handing the store its {@code status} when known (null: unknown). */
  static InputStream openForRead(FileSystem fs, Path file, FileStatus status) throws IOException {
    if (status == null) {
      return fs.open(file);
    }
    return FutureIO.awaitFuture(fs.openFile(file).withFileStatus(status).build());
  }

  /**
   * Every readable commit, keyed by trial id (empty when nothing was committed yet); unreadable
   * ones are quarantined (see {@link #load}) and left out.
   */
  public Map<String, TrialOutcome> readAll() throws IOException {
    return load().outcomes();
  }

  /**
   * Reads every commit, through the manifests where they cover it (see {@link CommitIndex#load}):
   * two listings (the commit folder, the manifest folder) whatever the number of commits, and opens
   * of the manifests and of the commits no manifest covers. A commit that is empty, cannot be
   * parsed or fails its checksum is moved to {@code OUT/quarantine/} with the reason beside it, and
   * its trial is not committed any more. Other I/O errors (the store is unreachable, permission
   * denied) are thrown: they say nothing about the commit.
   */
  public Read load() throws IOException {
    return index().load();
  }

  /**
   * A fresh, unread index of this log, for a reader that reads the commits once and then only what
   * is new (the driver while a sweep runs).
   */
  public CommitIndex index() {
    return new CommitIndex(this);
  }

  /**
   * One trial's commit: one open, no listing; null when the trial has none. An unreadable commit is
   * quarantined as {@link #load} does, and null returned.
   */
  public TrialOutcome read(String trialId) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    return readOrSetAside(fs, new Path(dir, trialId + ".json"), new ArrayList<>());
  }

  /**
   * The commits of {@code trialIds} that exist: one listing, then one open per trial among them
   * that has a commit (none for those without). Unreadable ones are quarantined and left out.
   */
  public Map<String, TrialOutcome> read(Collection<String> trialIds) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Map<String, TrialOutcome> out = new LinkedHashMap<>();
    Set<String> wanted = new HashSet<>(trialIds);
    FileStatus[] files;
    try {
      files = fs.listStatus(dir, p -> isCommit(p) && wanted.contains(trialIdOf(p.getName())));
    } catch (FileNotFoundException e) {
      return out;
    }
    Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
    List<Quarantined> quarantined = new ArrayList<>();
    for (FileStatus f : files) {
      Parsed p = readCommit(fs, f.getPath(), f, quarantined);
      if (p != null) {
        out.put(p.outcome().trial().trialId(), p.outcome());
      }
    }
    return out;
  }

  /** The trial id a commit file's name stands for. */
  static String trialIdOf(String commitName) {
    return commitName.substring(0, commitName.length() - ".json".length());
  }

  /** Every commit set aside in {@code OUT/quarantine} so far (by any run), with its reason. */
  public List<Quarantined> quarantined() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path folder = quarantineFolder();
    List<Quarantined> found = new ArrayList<>();
    FileStatus[] files;
    try {
      files =
          fs.listStatus(
              folder,
              p ->
                  !p.getName().endsWith(".reason")
                      && !p.getName().endsWith(".crc")
                      && !CommitIndex.isManifestName(p.getName()));
    } catch (FileNotFoundException e) {
      return found;
    }
    Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
    for (FileStatus f : files) {
      Path reasonFile = new Path(folder, f.getPath().getName() + ".reason");
      String reason = "(no reason recorded)";
      if (fs.exists(reasonFile)) {
        try (InputStream in = fs.open(reasonFile)) {
          reason = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
      }
      found.add(new Quarantined(f.getPath().getName(), f.getPath().toString(), reason));
    }
    return found;
  }

  /** {@code OUT/commits}. */
  Path dir() {
    return dir;
  }

  /** {@code OUT/manifests}. */
  Path manifestDir() {
    return new Path(dir.getParent(), "manifests");
  }

  FileSystem fs() throws IOException {
    return dir.getFileSystem(conf);
  }

  static ObjectMapper json() {
    return JSON;
  }

  private Path quarantineFolder() {
    return new Path(dir.getParent(), "quarantine");
  }

  /**
   * Moves an unreadable commit to {@code OUT/quarantine/} and writes the reason beside it; empty
   * when another reader moved it first.
   */
  java.util.Optional<Quarantined> quarantine(FileSystem fs, Path file, String reason)
      throws IOException {
    Path folder = quarantineFolder();
    fs.mkdirs(folder);
    Path target = new Path(folder, file.getName());
    if (fs.exists(target)) {
      target = new Path(folder, file.getName() + "." + STAMP.format(Instant.now()));
    }
    if (!fs.rename(file, target)) {
      if (!fs.exists(file)) {
        return java.util.Optional.empty();
      }
      throw new IOException(
          "commit file "
              + file
              + " is unreadable ("
              + reason
              + ") and could not be moved to "
              + target);
    }
    try (OutputStream out = fs.create(new Path(folder, target.getName() + ".reason"), true)) {
      out.write((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return java.util.Optional.of(new Quarantined(file.getName(), target.toString(), reason));
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  static boolean isCommit(Path p) {
    return p.getName().endsWith(".json") && !p.getName().startsWith(".");
  }

  /**
   * Starts OUT over (for {@code --force}): moves the commit folder, unread, to {@code
   * OUT/.replaced-<UTC time>/commits} (a rename; a copy and a delete on object stores), so no
   * finished trial is destroyed, and removes {@code OUT/checkpoints}, so no trial of the new run
   * resumes the old run's weights. {@code OUT/manifests} moves with the commits.
   */
  public Replaced startOver() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path out = dir.getParent();
    Path checkpoints = new Path(out, "checkpoints");
    boolean checkpointsRemoved = fs.exists(checkpoints) && fs.delete(checkpoints, true);
    FileStatus[] files;
    try {
      files = fs.listStatus(dir, CommitLog::isCommit);
    } catch (FileNotFoundException e) {
      return new Replaced(0, null, checkpointsRemoved);
    }
    String stamp = STAMP.format(Instant.now());
    Path aside = new Path(out, ".replaced-" + stamp);
    for (int n = 2; fs.exists(aside); n++) {
      aside = new Path(out, ".replaced-" + stamp + "-" + n);
    }
    fs.mkdirs(aside);
    Path moved = new Path(aside, "commits");
    if (!fs.rename(dir, moved)) {
      throw new IOException(
          "could not move " + dir + " aside to " + moved + " (nothing was deleted)");
    }
    // The manifests summarize the moved commits: they go with them (unread, like the commits).
    Path manifests = manifestDir();
    if (fs.exists(manifests) && !fs.rename(manifests, new Path(aside, "manifests"))) {
      throw new IOException(
          "could not move " + manifests + " aside to " + aside + " (nothing was deleted)");
    }
    return new Replaced(files.length, moved.toString(), checkpointsRemoved);
  }

  /** Removes a trial's commit (used by --rerun-failed). */
  public void remove(String trialId) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.delete(new Path(dir, trialId + ".json"), false);
  }
}
