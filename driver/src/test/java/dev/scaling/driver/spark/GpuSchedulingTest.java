package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Planner;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceProfile;
import org.junit.jupiter.api.Test;

/**
 * Which trials share a GPU, the shared task profile, and the CUDA check (the CPU libtorch sees no
 * GPU).
 */
class GpuSchedulingTest {
  static final List<Trial> TRIALS =
      Planner.plan(
              SpecParser.parse(
                  """
      name: g
      seed: 1
      data: {source: synthetic}
      model: {context: 16, head_size: 16}
      grid: {width: [16, 32], depth: [1], tokens: [8192]}
      training: {batch_size: 8, learning_rate: 3.0e-3}
      """))
          .trials();

  static SparkConf conf(String master, String... kv) {
    SparkConf c = new SparkConf(false).set("spark.master", master);
    for (int i = 0; i < kv.length; i += 2) {
      c.set(kv[i], kv[i + 1]);
    }
    return c;
  }

  @Test
  void split_sharesOnlySmallTrialsAndOnlyWithGpusOnACluster() {
    // width 16: 6 * 3072 * 8192 = 1.5e8 FLOPs; width 32: 6 * 12288 * 8192 = 6.0e8.
    Map<String, List<Trial>> parts =
        SweepRunner.split(
            conf(
                "spark://h:7077",
                "spark.executor.resource.gpu.amount",
                "1",
                SweepRunner.SHARE_BELOW_FLOPS,
                "3e8"),
            TRIALS);
    assertEquals(List.of("whole", "shared"), List.copyOf(parts.keySet()));
    assertTrue(parts.get("whole").stream().allMatch(t -> t.width() == 32));
    assertTrue(parts.get("shared").stream().allMatch(t -> t.width() == 16));
    assertEquals(1, parts.get("shared").size());
    // No GPUs configured, sharing off, or local mode (cannot schedule GPUs): one job of all trials.
    assertEquals(
        Map.of("all", TRIALS),
        SweepRunner.split(conf("spark://h:7077", SweepRunner.SHARE_BELOW_FLOPS, "3e8"), TRIALS));
    assertEquals(
        Map.of("all", TRIALS),
        SweepRunner.split(
            conf("spark://h:7077", "spark.executor.resource.gpu.amount", "1"), TRIALS));
    assertEquals(
        Map.of("all", TRIALS),
        SweepRunner.split(
            conf(
                "local[4]",
                "spark.executor.resource.gpu.amount",
                "1",
                SweepRunner.SHARE_BELOW_FLOPS,
                "3e8"),
            TRIALS));
    // local-cluster can schedule GPUs.
    assertEquals(
        2,
        SweepRunner.split(
                conf(
                    "local-cluster[2,1,1024]",
                    "spark.executor.resource.gpu.amount",
                    "1",
                    SweepRunner.SHARE_BELOW_FLOPS,
                    "1e12"),
                TRIALS)
            .get("shared")
            .size());
  }

  @Test
  void sharedProfile_asksForAFractionOfAGpuPerTask() {
    ResourceProfile p = SweepRunner.sharedProfile(conf("spark://h:7077", "spark.task.cpus", "4"));
    assertEquals(0.5, p.taskResources().get("gpu").get().amount(), 1e-12);
    assertEquals(
        2.0, p.taskResources().get("cpus").get().amount(), 1e-12, "half the GPU, half the cores");
    assertEquals(
        1.0,
        SweepRunner.sharedProfile(conf("spark://h:7077"))
            .taskResources()
            .get("cpus")
            .get()
            .amount(),
        1e-12);
    assertTrue(p.executorResources().isEmpty(), "a task-only profile reuses the app's executors");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SweepRunner.sharedProfile(
                conf("spark://h:7077", SweepRunner.SHARE_TASK_AMOUNT, "1.5")));
  }

  @Test
  void usableDevice_failsClearlyWithoutCudaUnlessFallbackIsAllowed() {
    assertEquals(Device.cpu(), TrialTask.usableDevice(Device.cpu(), false));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> TrialTask.usableDevice(Device.gpu(1), false));
    assertTrue(
        e.getMessage().contains("Spark assigned GPU 1")
            && e.getMessage().contains(TrialTask.ALLOW_CPU_FALLBACK),
        e.getMessage());
    assertEquals(Device.cpu(), TrialTask.usableDevice(Device.gpu(1), true));
    assertEquals(
        "cpu() (spark gpu 1, CUDA unavailable: spark.sweep.gpu.allowCpuFallback)",
        TrialTask.label(Device.gpu(1), Device.cpu()));
    assertEquals("gpu(1)", TrialTask.label(Device.gpu(1), Device.gpu(1)));
  }
}
