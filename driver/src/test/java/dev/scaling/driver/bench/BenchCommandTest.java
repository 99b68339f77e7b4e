package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

  @Test
  void run_rejectsABenchDirWithoutTheTwinBeforeMeasuring(@TempDir Path dir) {
    SpecException e =
        assertThrows(SpecException.class, () -> BenchCommand.run("--bench-dir", dir.toString()));
    assertEquals("--bench-dir", e.field());
    assertEquals(
        "--bench-dir must be a folder holding torch_twin.py and scipy_fit.py, found \""
            + dir
            + "\"",
        e.getMessage());
  }

  @Test
  void run_rejectsAResultsDirThatIsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("results.csv"), "x");
    SpecException e =
        assertThrows(SpecException.class, () -> BenchCommand.run("--results-dir", file.toString()));
    assertEquals("--results-dir", e.field());
    assertTrue(e.getMessage().contains(file + " (a file)"), e.getMessage());
  }

  @Test
  void run_rejectsZeroRounds() {
    CommandLine.ParameterException e =
        assertThrows(CommandLine.ParameterException.class, () -> BenchCommand.run("--rounds", "0"));
    assertTrue(e.getMessage().contains("--rounds"), e.getMessage());
  }

  @Test
  void options_parseShapesAndSectionsInAnyCase() {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs("--quick", "--shapes", "64x2,128x3", "--skip", "trainer,WSD");
    assertTrue(cmd.quick);
    assertEquals(List.of("64x2", "128x3"), cmd.shapes.stream().map(Object::toString).toList());
    assertEquals(
        List.of(BenchCommand.Section.TRAINER, BenchCommand.Section.WSD), List.copyOf(cmd.skip));
  }

  @Test
  void options_skipTheNoiseSection() {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--skip", "noise");
    assertEquals(List.of(BenchCommand.Section.NOISE), List.copyOf(cmd.skip));
  }
}
