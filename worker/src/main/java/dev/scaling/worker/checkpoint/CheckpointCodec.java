package dev.scaling.worker.checkpoint;

import dev.scaling.common.schedule.ScheduleState;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.worker.optim.AdamState;
import dev.scaling.worker.optim.NoiseScale;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The byte format of a {@link CheckpointState}, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * int magic "SWCP", int version (3)
 * UTF trialId
 * long step, trainNanos, wallNanos; double lossSum; long lossCount; double lastTrainLoss
 * int points, then per curve point: long step, long tokens, double lr, trainLoss, evalLoss,
 *     gradNoiseScale (NaN for none)
 * boolean noiseScale, and when true: double emaGradNormSquared, emaTrace; long updates
 * long trainWindows                                    (data position)
 * UTF scheduleName, UTF scheduleDefinition, long scheduleStep, long scheduleAppliedDigest
 * int parameters, then per parameter: UTF name, int rank, long[rank] shape, int size, float[size] values
 * long adamSteps, then per parameter: float[size] firstMoment, float[size] secondMoment
 * long CRC32 of every byte before it
 * </pre>
 *
 * <p>Version 2 (before the gradient noise scale) is read as well: it has no per-point noise scale
 * and no noise-scale block, and reads as a run that did not measure it. Version 1 (before the
 * schedule state and the separate Adam block) is recognised and refused with a message that says
 * so: such a checkpoint cannot prove which schedule it followed, so the trial restarts.
 */
public final class CheckpointCodec {
  /** "SWCP": the first four bytes of every checkpoint. */
  static final int MAGIC = 0x53574350;

  /** The format this build writes (and reads). */
  public static final int VERSION = 3;

  /** The oldest format this build reads: the same without the gradient noise scale. */
  static final int OLDEST_READ = 2;

  private CheckpointCodec() {}

  /**
   * Writes {@code state} followed by its checksum to {@code raw} (not closed).
   *
   * @return the bytes written
   */
  public static long write(CheckpointState state, OutputStream raw) throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out =
        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(state.trialId());
    RunProgress p = state.progress();
    out.writeLong(p.step());
    out.writeLong(p.trainNanos());
    out.writeLong(p.wallNanos());
    out.writeDouble(p.lossSum());
    out.writeLong(p.lossCount());
    out.writeDouble(p.lastTrainLoss());
    out.writeInt(p.curve().size());
    for (CurvePoint point : p.curve()) {
      out.writeLong(point.step());
      out.writeLong(point.tokens());
      out.writeDouble(point.lr());
      out.writeDouble(point.trainLoss());
      out.writeDouble(point.evalLoss());
      out.writeDouble(point.gradNoiseScale() == null ? Double.NaN : point.gradNoiseScale());
    }
    NoiseScale.State noise = p.noiseScale();
    out.writeBoolean(noise != null);
    if (noise != null) {
      out.writeDouble(noise.emaGradNormSquared());
      out.writeDouble(noise.emaTrace());
      out.writeLong(noise.updates());
    }
    out.writeLong(state.trainWindows());
    out.writeUTF(state.schedule().name());
    out.writeUTF(state.schedule().definition());
    out.writeLong(state.schedule().step());
    out.writeLong(state.schedule().appliedDigest());
    out.writeInt(state.parameters().size());
    for (ParameterTensor t : state.parameters()) {
      out.writeUTF(t.name());
      out.writeInt(t.shape().length);
      for (long d : t.shape()) {
        out.writeLong(d);
      }
      out.writeInt(t.values().length);
      writeFloats(out, t.values());
    }
    AdamState.Saved adam = state.adam();
    out.writeLong(adam.steps());
    for (int i = 0; i < state.parameters().size(); i++) {
      writeFloats(out, adam.means().get(i));
      writeFloats(out, adam.variances().get(i));
    }
    out.flush();
    long checksum = crc.getValue();
    out.writeLong(checksum);
    out.flush();
    return out.size();
  }

  /**
   * Reads a checkpoint written by {@link #write}.
   *
   * @param bytes the whole file
   * @return the state
   * @throws IOException naming what is wrong: too short, a failed checksum, not a checkpoint,
   *     another format version, or malformed contents
   */
  public static CheckpointState read(byte[] bytes) throws IOException {
    if (bytes.length < 16) {
      throw new IOException("too short to be a checkpoint (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IOException("checksum mismatch (a partial or damaged file)");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a checkpoint (wrong magic number)");
    }
    int version = in.readInt();
    if (version < OLDEST_READ || version > VERSION) {
      throw new IOException(
          "checkpoint format version "
              + version
              + " is not readable by this build, which reads"
              + " versions "
              + OLDEST_READ
              + " to "
              + VERSION
              + (version < OLDEST_READ
                  ? " (written by an older build; the trial restarts from step 0)"
                  : ""));
    }
    try {
      String trialId = in.readUTF();
      long step = in.readLong();
      long trainNanos = in.readLong();
      long wallNanos = in.readLong();
      double lossSum = in.readDouble();
      long lossCount = in.readLong();
      double lastTrainLoss = in.readDouble();
      int points = in.readInt();
      List<CurvePoint> curve = new ArrayList<>(Math.max(0, Math.min(points, 1 << 16)));
      for (int i = 0; i < points; i++) {
        long pointStep = in.readLong();
        long tokens = in.readLong();
        double lr = in.readDouble();
        double trainLoss = in.readDouble();
        double evalLoss = in.readDouble();
        double noise = version >= 3 ? in.readDouble() : Double.NaN;
        curve.add(
            new CurvePoint(
                pointStep, tokens, lr, trainLoss, evalLoss, Double.isNaN(noise) ? null : noise));
      }
      NoiseScale.State noiseScale =
          version >= 3 && in.readBoolean()
              ? new NoiseScale.State(in.readDouble(), in.readDouble(), in.readLong())
              : null;
      RunProgress progress =
          new RunProgress(
              step, trainNanos, wallNanos, lossSum, lossCount, lastTrainLoss, curve, noiseScale);
      long trainWindows = in.readLong();
      ScheduleState schedule =
          new ScheduleState(in.readUTF(), in.readUTF(), in.readLong(), in.readLong());
      int count = in.readInt();
      List<ParameterTensor> parameters = new ArrayList<>(Math.max(0, Math.min(count, 1 << 16)));
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readLong();
        }
        int size = in.readInt();
        if (size < 0 || size != Arrays.stream(shape).reduce(1, (a, b) -> a * b)) {
          throw new IOException(
              "parameter " + name + " has " + size + " values for shape " + Arrays.toString(shape));
        }
        parameters.add(new ParameterTensor(name, shape, readFloats(in, size)));
      }
      long adamSteps = in.readLong();
      List<float[]> means = new ArrayList<>(count);
      List<float[]> variances = new ArrayList<>(count);
      for (ParameterTensor t : parameters) {
        means.add(readFloats(in, t.values().length));
        variances.add(readFloats(in, t.values().length));
      }
      if (in.read() != -1) {
        throw new IOException("trailing bytes after the Adam state");
      }
      return new CheckpointState(
          trialId,
          progress,
          trainWindows,
          schedule,
          parameters,
          new AdamState.Saved(adamSteps, means, variances));
    } catch (RuntimeException e) {
      throw new IOException("malformed checkpoint: " + e.getMessage(), e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    byte[] bytes = new byte[values.length * 4];
    ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
    out.write(bytes);
  }

  private static float[] readFloats(DataInputStream in, int size) throws IOException {
    if (size > in.available() / 4) {
      throw new IOException(size + " floats announced, " + in.available() + " bytes left");
    }
    byte[] bytes = new byte[size * 4];
    in.readFully(bytes);
    float[] values = new float[size];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
    return values;
  }
}
