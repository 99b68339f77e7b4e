package dev.scaling.worker.checkpoint;

import dev.scaling.common.spec.InvariantViolation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where checkpoints live: trial {@code id}'s in {@code dir/id/} as {@code step-<step>.ckpt} on any
 * Hadoop file system. A checkpoint is written under a temporary name ({@code _tmp-*.ckpt}) and
 * renamed when complete, so a kill mid-write leaves the last good checkpoint intact; older ones are
 * deleted once a newer one is in place. {@link #load} returns the newest file that {@link
 * CheckpointCodec} reads (a file that fails its checksum, has another format version or does not
 * parse is skipped, with one line on standard error saying why). Instances are immutable and may be
 * shared by concurrent trainings.
 */
public final class CheckpointStore {
  /** Ending of checkpoint files, complete or temporary. */
  public static final String SUFFIX = ".ckpt";

  /** Beginning of a complete checkpoint's file name. */
  public static final String STEP_PREFIX = "step-";

  /** Beginning of a checkpoint still being written. */
  public static final String TEMP_PREFIX = "_tmp-";

  private final Configuration conf;
  private final String dir;

  /**
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path, e.g. {@code OUT/checkpoints}
   */
  public CheckpointStore(Configuration conf, String dir) {
    InvariantViolation.check(
        conf != null && dir != null && !dir.isBlank(),
        "checkpoints need a Hadoop configuration and a directory, found " + dir);
    this.conf = conf;
    this.dir = dir;
  }

  /** The directory holding one subdirectory per trial. */
  public String dir() {
    return dir;
  }

  /** The directory of {@code trialId}'s checkpoints. */
  public Path trialDir(String trialId) {
    InvariantViolation.check(
        trialId != null && !trialId.isEmpty() && !trialId.contains("/"),
        "bad trial id for a checkpoint path: " + trialId);
    return new Path(dir, trialId);
  }

  /**
   * Writes {@code state} as the newest checkpoint of its trial, then deletes older ones.
   *
   * @return the size of the file in bytes
   */
  public long save(CheckpointState state) throws IOException {
    Path trialDir = trialDir(state.trialId());
    FileSystem fs = trialDir.getFileSystem(conf);
    fs.mkdirs(trialDir);
    Path temp = new Path(trialDir, TEMP_PREFIX + UUID.randomUUID() + SUFFIX);
    Path target = new Path(trialDir, stepName(state.step()));
    long size;
    try {
      try (FSDataOutputStream raw = fs.create(temp, false)) {
        size = CheckpointCodec.write(state, raw);
      }
      if (!fs.rename(temp, target)) {
        if (!fs.exists(target)) {
          throw new IOException("cannot rename checkpoint " + temp + " to " + target);
        }
        // Another attempt of the same trial (speculative execution) wrote the same step: keep its
        // file.
        fs.delete(temp, false);
      }
    } catch (IOException | RuntimeException e) {
      try {
        fs.delete(temp, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    for (FileStatus status : listCheckpoints(fs, trialDir)) {
      if (stepOf(status.getPath().getName()) < state.step()) {
        fs.delete(status.getPath(), false);
      }
    }
    return size;
  }

  /**
   * The newest readable checkpoint of {@code trialId}, or null when there is none. Temporary files
   * are ignored; files that cannot be read as a checkpoint of this trial and step are skipped.
   */
  public CheckpointState load(String trialId) throws IOException {
    Path trialDir = trialDir(trialId);
    FileSystem fs = trialDir.getFileSystem(conf);
    List<FileStatus> files;
    try {
      files = listCheckpoints(fs, trialDir);
    } catch (FileNotFoundException e) {
      return null;
    }
    files.sort(
        Comparator.comparingLong((FileStatus s) -> stepOf(s.getPath().getName())).reversed());
    for (FileStatus file : files) {
      try {
        CheckpointState state = read(fs, file);
        if (state == null) {
          continue; // deleted by a concurrent attempt
        }
        if (!state.trialId().equals(trialId) || state.step() != stepOf(file.getPath().getName())) {
          throw new IOException("holds trial " + state.trialId() + " at step " + state.step());
        }
        return state;
      } catch (IOException e) {
        System.err.printf("checkpoint %s skipped: %s%n", file.getPath(), e.getMessage());
      }
    }
    return null;
  }

  /**
   * The step of the newest checkpoint file of {@code trialId} by its name, -1 when it has none;
   * lists the folder without reading any file (the driver's view of which branches can start).
   */
  public long newestStep(String trialId) throws IOException {
    Path trialDir = trialDir(trialId);
    FileSystem fs = trialDir.getFileSystem(conf);
    try {
      return listCheckpoints(fs, trialDir).stream()
          .mapToLong(s -> stepOf(s.getPath().getName()))
          .max()
          .orElse(-1);
    } catch (FileNotFoundException e) {
      return -1;
    }
  }

  /** Deletes every checkpoint of {@code trialId}; nothing happens when it has none. */
  public void clear(String trialId) throws IOException {
    Path trialDir = trialDir(trialId);
    trialDir.getFileSystem(conf).delete(trialDir, true);
  }

  /** The file's checkpoint, null when it vanished before it could be read. */
  private static CheckpointState read(FileSystem fs, FileStatus file) throws IOException {
    if (file.getLen() > Integer.MAX_VALUE - 8) {
      throw new IOException("too large (" + file.getLen() + " bytes)");
    }
    byte[] bytes = new byte[(int) file.getLen()];
    try (InputStream in = fs.open(file.getPath())) {
      int read = 0;
      while (read < bytes.length) {
        int n = in.read(bytes, read, bytes.length - read);
        if (n < 0) {
          throw new IOException("shorter than its listed length " + bytes.length);
        }
        read += n;
      }
    } catch (FileNotFoundException e) {
      return null;
    }
    return CheckpointCodec.read(bytes);
  }

  private static List<FileStatus> listCheckpoints(FileSystem fs, Path trialDir) throws IOException {
    List<FileStatus> result = new ArrayList<>();
    for (FileStatus status : fs.listStatus(trialDir)) {
      if (status.isFile() && stepOf(status.getPath().getName()) >= 0) {
        result.add(status);
      }
    }
    return result;
  }

  /** The file name of the checkpoint after {@code step} optimizer steps. */
  public static String stepName(long step) {
    return STEP_PREFIX + String.format("%012d", step) + SUFFIX;
  }

  /** The step of a checkpoint file name, -1 when the name is not one (e.g. a temporary file). */
  public static long stepOf(String name) {
    if (!name.startsWith(STEP_PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    String digits = name.substring(STEP_PREFIX.length(), name.length() - SUFFIX.length());
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
      return -1;
    }
    return Long.parseLong(digits);
  }
}
