package dev.scaling.worker.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.schedule.ScheduleState;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.worker.optim.AdamState;
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
                new CurvePoint(20, 5120, 2.9e-3, 2.15, 1.47),
                new CurvePoint(40, 10240, 2.6e-3, 1.16, Double.NaN)));
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
        e.getMessage().contains("format version 1") && e.getMessage().contains("reads version 2"),
        e.getMessage());
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
