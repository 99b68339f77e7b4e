package dev.scaling.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in {@code README.md}, {@code bench/README.md} and {@code docs/*.md} reaches a
 * file of the repository, and its {@code #anchor}, if any, a heading of that file (GitHub's
 * anchors: lower case, punctuation dropped, spaces as hyphens, a repeated heading numbered). Links
 * to the web are not followed, and images ({@code ![..](..)}) are not checked: the docs'
 * screenshots are made by a browser test run, not kept in the tree until then.
 */
class DocsLinksTest {
  static final Path ROOT = Path.of("..");

  static List<Path> pages() throws IOException {
    List<Path> pages =
        new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md")));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** GitHub's anchor of a heading's text. */
  static String slug(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  /** The anchors of a Markdown file's headings (outside fenced code). */
  static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fence = false;
    for (String line : Files.readAllLines(file)) {
      if (line.strip().startsWith("```")) {
        fence = !fence;
      } else if (!fence && line.matches("#{1,6} .*")) {
        String s = slug(line.replaceFirst("^#+ ", ""));
        int n = seen.merge(s, 1, Integer::sum);
        anchors.add(n == 1 ? s : s + "-" + (n - 1));
      }
    }
    return anchors;
  }

  static final Pattern LINK = Pattern.compile("(!?)\\[[^\\]]*]\\(([^)\\s]+)\\)");

  @Test
  void docs_everyRelativeLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages()) {
      List<String> lines = Files.readAllLines(page);
      boolean fence = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.strip().startsWith("```")) {
          fence = !fence;
          continue;
        }
        Matcher m = LINK.matcher(line);
        while (!fence && m.find()) {
          String target = m.group(2);
          if (!m.group(1).isEmpty() || target.matches("[a-z]+:.*")) {
            continue;
          }
          checked++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
          String where = ROOT.relativize(page) + ":" + (i + 1) + ": " + target;
          if (!Files.exists(resolved)) {
            broken.add(where + " (no such file)");
          } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
            broken.add(where + " (no such heading; anchors: " + anchors(resolved) + ")");
          }
        }
      }
    }
    assertEquals(List.of(), broken, "links in the docs that lead nowhere");
    assertTrue(checked >= 30, "relative links checked: " + checked);
  }

  @Test
  void slug_followsGitHub() {
    assertEquals(
        "predicted-branches-trainingpredict_branches---verify-predictions",
        slug("Predicted branches (`training.predict_branches`, `--verify-predictions`)"));
    assertEquals("architecture", slug("Architecture"));
  }
}
