package dev.scaling.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README stays a front page: at most 250 lines with the parts a newcomer needs (what it is with
 * a figure, the two set-up commands, what a run shows, the OUT layout, the architecture, links),
 * and its test command is the one CI runs.
 */
class ReadmeTest {
  static final Path ROOT = Path.of("..");

  @Test
  void readme_isAFrontPageOfAtMost250Lines() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(lines.size() <= 250, "README.md has " + lines.size() + " lines (at most 250)");
    List<String> headings = lines.stream().filter(l -> l.startsWith("## ")).toList();
    for (String part :
        List.of(
            "## Set up",
            "## What you will see",
            "## What it writes",
            "## Architecture",
            "## Documentation")) {
      assertTrue(
          headings.stream().anyMatch(h -> h.startsWith(part)),
          "README.md lacks a section " + part + "; its sections: " + headings);
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("](docs/img/quickstart-report.png)")),
        "README.md shows the quickstart's report (docs/img/quickstart-report.png)");
    String text = String.join("\n", lines);
    for (String stage :
        List.of(
            "plan", "trial", "task", "worker", "result", "commit", "collect", "fit", "report")) {
      assertTrue(text.contains("| " + stage + " |"), "the data-flow table lacks the step " + stage);
    }
  }

  @Test
  void readme_setUpCommandsAreTheQuickstartAndWhatCiRuns() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertTrue(
        readme.contains("```bash\n./sweep run examples/quickstart.yaml --out out/quickstart\n```"),
        "the quickstart command");
    assertTrue(readme.contains("```bash\n./sweep test\n```"), "the test command");
    List<String> ci =
        Files.readAllLines(ROOT.resolve(".ci/run")).stream()
            .filter(l -> l.startsWith("exec "))
            .toList();
    assertEquals(List.of("exec ./sweep test \"$@\""), ci, ".ci/run runs the README's test command");
  }
}
