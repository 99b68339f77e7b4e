package dev.scaling.worker;

import dev.scaling.common.trial.CurvePoint;
import java.io.ByteArrayInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where and how often a trial saves in-trial checkpoints, so that a retried attempt resumes from its last
 * checkpoint instead of step 0.
 *
 * <p>A checkpoint of trial {@code id} lives in {@code dir/id/} as {@code step-<step>.ckpt}: written under
 * a temporary name ({@code _tmp-*.ckpt}) and renamed when complete, so a kill mid-write leaves the last
 * good checkpoint intact. It ends in a CRC32 of its contents; a file that fails the check or does not
 * parse is skipped (an older checkpoint, if any, is used instead). Older checkpoints are deleted once a
 * newer one is in place. {@link TrialTrainer} never deletes the last one: the caller does with {@link
 * #clear(String)} once the trial's result is safely committed.
 *
 * <p>Instances are immutable and may be shared by concurrent trainings.
 */
public final class Checkpoints {
  /** No checkpoints: every attempt starts at step 0. */
  public static final Checkpoints NONE = new Checkpoints(null, null, Double.POSITIVE_INFINITY, 1);

  static final String SUFFIX = ".ckpt";
  static final String STEP_PREFIX = "step-";
  static final String TEMP_PREFIX = "_tmp-";
  private static final int MAGIC = 0x53574350; // "SWCP"
  private static final int VERSION = 1;

  private final Configuration conf;
  private final String dir;
  private final double intervalSeconds;
  private final long minSteps;

  private Checkpoints(Configuration conf, String dir, double intervalSeconds, long minSteps) {
    this.conf = conf;
    this.dir = dir;
    this.intervalSeconds = intervalSeconds;
    this.minSteps = minSteps;
  }

  /**
   * Checkpoints in {@code dir} at the first step boundary at least {@code intervalSeconds} of wall time
   * after the trial started or after its last checkpoint.
   *
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path, e.g. {@code OUT/checkpoints}
   * @param intervalSeconds at least 0
   * @return the policy
   */
  public static Checkpoints every(Configuration conf, String dir, double intervalSeconds) {
    return every(conf, dir, intervalSeconds, 1);
  }

  /**
   * Like {@link #every(Configuration, String, double)}, and moreover at least {@code minSteps} optimizer
   * steps apart (with interval 0: exactly every {@code minSteps} steps).
   *
   * @param conf resolves {@code dir}
   * @param dir any Hadoop file system URI or path
   * @param intervalSeconds at least 0
   * @param minSteps at least 1
   * @return the policy
   */
  public static Checkpoints every(Configuration conf, String dir, double intervalSeconds, long minSteps) {
    if (conf == null || dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("checkpoints need a Hadoop configuration and a directory");
    }
    if (!(intervalSeconds >= 0) || Double.isInfinite(intervalSeconds)) {
      throw new IllegalArgumentException("checkpoint interval must be a finite number >= 0, found " + intervalSeconds);
    }
    if (minSteps < 1) {
      throw new IllegalArgumentException("checkpoint minSteps must be >= 1, found " + minSteps);
    }
    return new Checkpoints(conf, dir, intervalSeconds, minSteps);
  }

  /** Whether checkpoints are written and read at all. */
  public boolean enabled() {
    return dir != null;
  }

  /** The directory holding one subdirectory per trial, null for {@link #NONE}. */
  public String dir() {
    return dir;
  }

  /**
   * Deletes every checkpoint file of {@code trialId}; call it once the trial's result is committed.
   * Nothing happens for {@link #NONE} or a trial without checkpoints.
   *
   * @throws UncheckedIOException when the file system fails
   */
  public void clear(String trialId) {
    if (!enabled()) {
      return;
    }
    try {
      Path trialDir = trialDir(trialId);
      FileSystem fs = trialDir.getFileSystem(conf);
      fs.delete(trialDir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the checkpoints of trial " + trialId + ": " + e.getMessage(), e);
    }
  }

  /** Whether a checkpoint is due {@code nanos} and {@code steps} after the last one (or the start). */
  boolean due(long nanos, long steps) {
    return enabled() && steps >= minSteps && nanos >= intervalSeconds * 1e9;
  }

  Path trialDir(String trialId) {
    if (trialId == null || trialId.isEmpty() || trialId.contains("/")) {
      throw new IllegalArgumentException("bad trial id for a checkpoint path: " + trialId);
    }
    return new Path(dir, trialId);
  }

  /**
   * Writes {@code state} as the newest checkpoint of its trial, then deletes older ones.
   *
   * @return the size of the file in bytes
   */
  long save(State state) throws IOException {
    Path trialDir = trialDir(state.trialId());
    FileSystem fs = trialDir.getFileSystem(conf);
    fs.mkdirs(trialDir);
    Path temp = new Path(trialDir, TEMP_PREFIX + UUID.randomUUID() + SUFFIX);
    Path target = new Path(trialDir, stepName(state.step()));
    long size;
    try {
      try (FSDataOutputStream raw = fs.create(temp, false)) {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
        state.write(out);
        out.flush();
        long checksum = crc.getValue();
        out.writeLong(checksum);
        out.flush();
        size = out.size();
      }
      if (!fs.rename(temp, target)) {
        if (!fs.exists(target)) {
          throw new IOException("cannot rename checkpoint " + temp + " to " + target);
        }
        // Another attempt of the same trial (speculative execution) wrote the same step: keep its file.
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
      long step = stepOf(status.getPath().getName());
      if (step < state.step()) {
        fs.delete(status.getPath(), false);
      }
    }
    return size;
  }

  /**
   * The newest valid checkpoint of {@code trialId}, or null when there is none (or none is valid).
   * Temporary files and files that fail their checksum are ignored.
   */
  State load(String trialId) throws IOException {
    if (!enabled()) {
      return null;
    }
    Path trialDir = trialDir(trialId);
    FileSystem fs = trialDir.getFileSystem(conf);
    List<FileStatus> files;
    try {
      files = listCheckpoints(fs, trialDir);
    } catch (FileNotFoundException e) {
      return null;
    }
    files.sort(Comparator.comparingLong((FileStatus s) -> stepOf(s.getPath().getName())).reversed());
    for (FileStatus file : files) {
      State state = tryRead(fs, file, trialId);
      if (state != null) {
        return state;
      }
    }
    return null;
  }

  private static State tryRead(FileSystem fs, FileStatus file, String trialId) throws IOException {
    if (file.getLen() < 8 || file.getLen() > Integer.MAX_VALUE - 8) {
      return null;
    }
    byte[] bytes = new byte[(int) file.getLen()];
    try (InputStream in = fs.open(file.getPath())) {
      int read = 0;
      while (read < bytes.length) {
        int n = in.read(bytes, read, bytes.length - read);
        if (n < 0) {
          return null;
        }
        read += n;
      }
    } catch (FileNotFoundException e) {
      return null; // deleted by a concurrent attempt
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = 0;
    for (int i = bytes.length - 8; i < bytes.length; i++) {
      stored = (stored << 8) | (bytes[i] & 0xFF);
    }
    if (stored != crc.getValue()) {
      return null;
    }
    try {
      State state = State.read(new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8)));
      if (!state.trialId().equals(trialId) || state.step() != stepOf(file.getPath().getName())) {
        return null;
      }
      return state;
    } catch (IOException | RuntimeException e) {
      return null;
    }
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

  static String stepName(long step) {
    return STEP_PREFIX + String.format("%012d", step) + SUFFIX;
  }

  /** The step of a checkpoint file name, -1 when the name is not one (e.g. a temporary file). */
  static long stepOf(String name) {
    if (!name.startsWith(STEP_PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    String digits = name.substring(STEP_PREFIX.length(), name.length() - SUFFIX.length());
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
      return -1;
    }
    return Long.parseLong(digits);
  }

  /** One parameter's values and Adam moments, in the model's parameter order. */
  record Tensor(String name, long[] shape, float[] values, float[] mean, float[] variance) {}

  /**
   * Everything a training run needs to continue after {@code step} as if it had never stopped.
   *
   * @param trialId the trial
   * @param step optimizer steps completed
   * @param adamSteps Adam's update count (bias correction)
   * @param trainWindows training windows consumed from the trial's data
   * @param trainNanos time spent in optimizer steps so far (tokens per second)
   * @param wallNanos wall time of the training so far
   * @param lossSum running sum of training losses since the last evaluation
   * @param lossCount number of losses in {@code lossSum}
   * @param lastTrainLoss mean training loss reported at the last evaluation (NaN before the first)
   * @param curve learning-curve points so far
   * @param tensors every parameter with its Adam state
   */
  record State(
      String trialId,
      long step,
      long adamSteps,
      long trainWindows,
      long trainNanos,
      long wallNanos,
      double lossSum,
      long lossCount,
      double lastTrainLoss,
      List<CurvePoint> curve,
      List<Tensor> tensors) {

    void write(DataOutputStream out) throws IOException {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(trialId);
      out.writeLong(step);
      out.writeLong(adamSteps);
      out.writeLong(trainWindows);
      out.writeLong(trainNanos);
      out.writeLong(wallNanos);
      out.writeDouble(lossSum);
      out.writeLong(lossCount);
      out.writeDouble(lastTrainLoss);
      out.writeInt(curve.size());
      for (CurvePoint p : curve) {
        out.writeLong(p.step());
        out.writeLong(p.tokens());
        out.writeDouble(p.lr());
        out.writeDouble(p.trainLoss());
        out.writeDouble(p.evalLoss());
      }
      out.writeInt(tensors.size());
      for (Tensor t : tensors) {
        out.writeUTF(t.name());
        out.writeInt(t.shape().length);
        for (long d : t.shape()) {
          out.writeLong(d);
        }
        out.writeInt(t.values().length);
        writeFloats(out, t.values());
        writeFloats(out, t.mean());
        writeFloats(out, t.variance());
      }
    }

    static State read(DataInputStream in) throws IOException {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException("not a checkpoint of this version");
      }
      String trialId = in.readUTF();
      long step = in.readLong();
      long adamSteps = in.readLong();
      long trainWindows = in.readLong();
      long trainNanos = in.readLong();
      long wallNanos = in.readLong();
      double lossSum = in.readDouble();
      long lossCount = in.readLong();
      double lastTrainLoss = in.readDouble();
      int points = in.readInt();
      List<CurvePoint> curve = new ArrayList<>(points);
      for (int i = 0; i < points; i++) {
        curve.add(new CurvePoint(in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble()));
      }
      int count = in.readInt();
      List<Tensor> tensors = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readLong();
        }
        int size = in.readInt();
        if (size < 0 || size != Arrays.stream(shape).reduce(1, (a, b) -> a * b)) {
          throw new IOException("tensor " + name + " has " + size + " values for shape " + Arrays.toString(shape));
        }
        tensors.add(new Tensor(name, shape, readFloats(in, size), readFloats(in, size), readFloats(in, size)));
      }
      if (in.read() != -1) {
        throw new IOException("trailing bytes");
      }
      return new State(trialId, step, adamSteps, trainWindows, trainNanos, wallNanos, lossSum, lossCount,
          lastTrainLoss, curve, tensors);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
      byte[] bytes = new byte[values.length * 4];
      java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
      out.write(bytes);
    }

    private static float[] readFloats(DataInputStream in, int size) throws IOException {
      byte[] bytes = new byte[size * 4];
      in.readFully(bytes);
      float[] values = new float[size];
      java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
      return values;
    }
  }
}
