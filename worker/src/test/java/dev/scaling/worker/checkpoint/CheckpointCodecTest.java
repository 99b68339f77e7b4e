package dev.scaling.worker.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.schedule.ScheduleState;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.worker.optim.AdamState;
import dev.scaling.worker.optim.NoiseScale;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

  /**
   * A state with awkward values: NaN loss, negative zero, subnormal and extreme floats, a rank-0
   * tensor.
   */
  static CheckpointState sample(String trialId, long step) {
    RunProgress progress =
        new RunProgress(
            step,
            123_456_789L,
            987_654_321L,
            12.5,
            5,
            Double.NaN,
            List.of(
                new CurvePoint(20, 5120, 2.9e-3, 2.15, 1.47, null),
                new CurvePoint(40, 10240, 2.6e-3, 1.16, Double.NaN, 1234.5)),
            new NoiseScale.State(3.25e-4, -0.0, 40));
    List<ParameterTensor> parameters =
        List.of(
            new ParameterTensor(
                "embedding",
                new long[] {2, 3},
                new float[] {1f, -0f, Float.MIN_VALUE, 3.5f, -7f, 1e30f}),
            new ParameterTensor("scale", new long[] {}, new float[] {0.25f}));
    AdamState.Saved adam =
        new AdamState.Saved(
            step,
            List.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, new float[] {-1f}),
            List.of(new float[] {1e-8f, 2e-8f, 3e-8f, 4e-8f, 5e-8f, 6e-8f}, new float[] {9f}));
    return new CheckpointState(
        trialId,
        progress,
        777,
        new ScheduleState("cosine", "Cosine[peak=0.003]", step, 0x8000_0000_0000_0001L),
        parameters,
        adam);
  }

  private static byte[] encode(CheckpointState state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long size = CheckpointCodec.write(state, out);
    assertEquals(out.size(), size);
    return out.toByteArray();
  }

  @Test
  void read_returnsWhatWasWrittenBitForBit() throws IOException {
    CheckpointState state = sample("abc", 50);
    CheckpointState back = CheckpointCodec.read(encode(state));
    assertEquals("abc", back.trialId());
    assertEquals(50, back.step());
    assertEquals(777, back.trainWindows());
    assertEquals(state.schedule(), back.schedule());
    assertEquals(state.progress().curve(), back.progress().curve());
    assertEquals(state.progress().lossSum(), back.progress().lossSum(), 0.0);
    assertTrue(Double.isNaN(back.progress().lastTrainLoss()));
    assertEquals(state.progress().wallNanos(), back.progress().wallNanos());
    assertEquals(state.progress().noiseScale(), back.progress().noiseScale());
    for (int i = 0; i < state.parameters().size(); i++) {
      assertEquals(state.parameters().get(i).name(), back.parameters().get(i).name());
      assertArrayEquals(state.parameters().get(i).shape(), back.parameters().get(i).shape());
      assertEquals(
          Arrays.toString(state.parameters().get(i).values()),
          Arrays.toString(back.parameters().get(i).values()));
      assertArrayEquals(state.parameters().get(i).values(), back.parameters().get(i).values());
    }
    assertTrue(state.adam().sameAs(back.adam()));
    assertEquals(50, back.adam().steps());
    assertArrayEquals(encode(state), encode(back), "re-encoding gives the same bytes");
  }

  @Test
  void read_refusesAnOlderFormatVersionByName() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(raw);
    out.writeInt(0x53574350);
    out.writeInt(1);
    out.writeUTF("abc");
    out.writeLong(50);
    CRC32 crc = new CRC32();
    crc.update(raw.toByteArray());
    out.writeLong(crc.getValue());
    IOException e = assertThrows(IOException.class, () -> CheckpointCodec.read(raw.toByteArray()));
    assertTrue(
        e.getMessage().contains("format version 1")
            && e.getMessage().contains("reads versions 2 to 3")
            && e.getMessage().contains("restarts"),
        e.getMessage());
  }

  /**
   * A checkpoint of format version 2 (before the noise scale), written here field by field as that
   * format's description has it, reads as a run that did not measure the noise scale.
   */
  @Test
  void read_acceptsVersion2AsARunWithoutNoiseScale() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(raw);
    out.writeInt(0x53574350);
    out.writeInt(2);
    out.writeUTF("abc");
    out.writeLong(20); // step
    out.writeLong(111); // trainNanos
    out.writeLong(222); // wallNanos
    out.writeDouble(0.0); // lossSum
    out.writeLong(0); // lossCount
    out.writeDouble(2.15); // lastTrainLoss
    out.writeInt(1);
    out.writeLong(20);
    out.writeLong(5120);
    out.writeDouble(2.9e-3);
    out.writeDouble(2.15);
    out.writeDouble(1.47);
    out.writeLong(320); // trainWindows
    out.writeUTF("cosine");
    out.writeUTF("Cosine[peak=0.003]");
    out.writeLong(20);
    out.writeLong(7);
    out.writeInt(1);
    out.writeUTF("scale");
    out.writeInt(0);
    out.writeInt(1);
    out.writeFloat(0.25f);
    out.writeLong(20); // Adam steps
    out.writeFloat(0.5f);
    out.writeFloat(0.125f);
    CRC32 crc = new CRC32();
    crc.update(raw.toByteArray());
    out.writeLong(crc.getValue());
    CheckpointState back = CheckpointCodec.read(raw.toByteArray());
    assertEquals(20, back.step());
    assertEquals(320, back.trainWindows());
    assertEquals(
        List.of(new CurvePoint(20, 5120, 2.9e-3, 2.15, 1.47, null)), back.progress().curve());
    assertNull(back.progress().noiseScale());
    assertEquals(new ScheduleState("cosine", "Cosine[peak=0.003]", 20, 7), back.schedule());
    assertArrayEquals(new float[] {0.25f}, back.parameters().get(0).values());
    assertArrayEquals(new float[] {0.125f}, back.adam().variances().get(0));
  }

  @Test
  void read_refusesDamagedAndTruncatedFiles() throws IOException {
    byte[] bytes = encode(sample("abc", 50));
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 3] ^= 0x01;
    assertTrue(
        assertThrows(IOException.class, () -> CheckpointCodec.read(flipped))
            .getMessage()
            .contains("checksum"));
    assertThrows(
        IOException.class, () -> CheckpointCodec.read(Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(IOException.class, () -> CheckpointCodec.read(new byte[] {1, 2, 3}));
  }
}
