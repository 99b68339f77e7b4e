package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CoordCheckCommandTest {
  static final String SPEC =
      """
      name: coord
      seed: 3
      data:
        source: synthetic
        eval_tokens: 1024
      model:
        context: 16
        head_size: 16
      grid:
        width: [32, 64]
        depth: [1]
        tokens: [4096]
      training:
        batch_size: 4
        learning_rate: 1.0e-2
        schedule: wsd
        warmup_tokens: 1024
      """;

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cli = SweepMain.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void coordCheck_printsBothParametrizationsPerWidthAndStep(@TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "coord-check", spec.toString(), "--widths", "32,64", "--steps", "2");
    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("standard"), text);
    assertTrue(text.contains("mup(base_width=32)"), text);
    // 2 widths x 3 steps (0, 1, 2) of rows
    long rows = text.lines().filter(l -> l.matches("\\s+(32|64)\\s+[0-2] \\|.*")).count();
    assertEquals(6, rows, text);
    assertTrue(text.contains("width 64 / width 32 at step 2"), text);
  }

  @Test
  void coordCheck_rejectsAWidthThatIsNoMultipleOfTheHeadSize(@TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("s.yaml"), SPEC);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "coord-check", spec.toString(), "--widths", "32,40");
    assertEquals(2, code);
    assertTrue(
        err.toString()
            .contains("--widths[1] must be a positive multiple of model.head_size (16), found 40"),
        err.toString());
  }
}
