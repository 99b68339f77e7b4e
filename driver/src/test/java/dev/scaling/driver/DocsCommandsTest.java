package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Every {@code ./sweep} command in {@code README.md} and {@code docs/*.md} parses with the real
 * command line ({@link SweepMain#commandLine()}, picocli's {@code parseArgs}: options, values and
 * their converters, nothing run).
 *
 * <p>The convention the docs follow (stated in {@code docs/README.md}):
 *
 * <ul>
 *   <li>In a fenced code block, a line whose command is {@code ./sweep} (after {@code VAR=value}
 *       assignments, if any) is a complete command: it must parse, required options included. A
 *       trailing {@code \} continues it on the next line; a {@code #} after a space starts a
 *       comment; {@code |}, {@code &&}, {@code ;} and {@code >} end it.
 *   <li>An inline code span that starts with {@code ./sweep} may name a command partially (e.g.
 *       {@code ./sweep fit --curves}): its command and options must exist and its values convert,
 *       but required options may be left out. {@code [...]} marks an optional part and is parsed as
 *       if given.
 *   <li>Placeholders are upper-case words ({@code SPEC}, {@code OUT}, {@code DIR}, {@code
 *       OUT/trials}); as the value of a number option, a bare placeholder ({@code --lr LR}) is read
 *       as 1.
 *   <li>Verbs the {@code sweep} script handles itself before Java starts (today {@code test}, whose
 *       arguments go to Maven) are read from the script and not parsed.
 * </ul>
 */
class DocsCommandsTest {
  static final Path ROOT = Path.of("..");

  /** A command found in the docs: where it is, its words after {@code ./sweep}, how strict. */
  record DocCommand(String file, int line, List<String> args, boolean complete) {
    String where() {
      return file + ":" + line + ": ./sweep " + String.join(" ", args);
    }
  }

  static List<Path> docs() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** The verbs the launcher script runs itself: {@code if [ "${1:-}" = VERB ]}. */
  static Set<String> scriptVerbs() throws IOException {
    String script = Files.readString(ROOT.resolve("sweep"));
    Matcher m = Pattern.compile("if \\[ \"\\$\\{1:-}\" = ([a-z-]+) ]").matcher(script);
    Set<String> verbs = new TreeSet<>();
    while (m.find()) {
      verbs.add(m.group(1));
    }
    return verbs;
  }

  static final Pattern SWEEP = Pattern.compile("(?:^|\\s)\\./sweep(?=\\s|$)");

  /** The commands of one Markdown file: fenced blocks' lines and inline code spans. */
  static List<DocCommand> commands(Path file) throws IOException {
    String name = ROOT.relativize(file).toString();
    List<String> lines = Files.readAllLines(file);
    List<DocCommand> out = new ArrayList<>();
    StringBuilder prose = new StringBuilder();
    boolean fence = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("```")) {
        fence = !fence;
        prose.append('\n');
        continue;
      }
      if (!fence) {
        prose.append(line).append('\n');
        continue;
      }
      prose.append('\n');
      int start = i;
      StringBuilder joined = new StringBuilder(line);
      while (joined.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
        String s = joined.toString().stripTrailing();
        joined.setLength(0);
        joined.append(s, 0, s.length() - 1).append(' ').append(lines.get(++i));
        prose.append('\n');
      }
      Matcher m = SWEEP.matcher(joined);
      if (m.find()) {
        List<String> words = shellWords(joined.substring(m.end()));
        out.add(new DocCommand(name, start + 1, words, true));
      }
    }
    Matcher span = Pattern.compile("`([^`]+)`").matcher(prose);
    while (span.find()) {
      String code = span.group(1).replaceAll("\\s+", " ").strip();
      if (code.startsWith("./sweep ") || code.equals("./sweep")) {
        int line =
            1 + (int) prose.substring(0, span.start()).chars().filter(c -> c == '\n').count();
        String words = code.substring("./sweep".length()).replace("[", " ").replace("]", " ");
        out.add(new DocCommand(name, line, shellWords(words), false));
      }
    }
    return out;
  }

  /**
   * Shell words of {@code text}: split on blanks outside quotes, quotes removed; a {@code #} that
   * starts a word starts a comment; an unquoted {@code |}, {@code &&}, {@code ;} or {@code >} ends
   * the command.
   */
  static List<String> shellWords(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
        continue;
      }
      if (Character.isWhitespace(c)) {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
        continue;
      }
      if (w == null && c == '#') {
        break;
      }
      if (c == '|' || c == ';' || c == '>' || (c == '&' && text.startsWith("&&", i))) {
        break;
      }
      if (w == null) {
        w = new StringBuilder();
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else {
        w.append(c);
      }
    }
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }

  static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** {@code args} with a bare placeholder after a number option read as 1. */
  static String[] withNumbers(List<String> args) {
    CommandLine cli = SweepMain.commandLine();
    CommandSpec command = cli.getCommandSpec();
    String[] out = args.toArray(String[]::new);
    for (int i = 0; i < out.length; i++) {
      if (command.subcommands().containsKey(out[i])) {
        command = command.subcommands().get(out[i]).getCommandSpec();
        continue;
      }
      if (i > 0 && PLACEHOLDER.matcher(out[i]).matches()) {
        OptionSpec option = command.findOption(out[i - 1]);
        if (option != null && isNumber(option)) {
          out[i] = "1";
        }
      }
    }
    return out;
  }

  private static boolean isNumber(OptionSpec option) {
    Class<?> type =
        option.isMultiValue() && option.auxiliaryTypes().length > 0
            ? option.auxiliaryTypes()[0]
            : option.type();
    return type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == double.class
        || type == Double.class;
  }

  /** Why {@code c} does not parse, or null when it does. */
  static String problem(DocCommand c, Set<String> verbs) {
    if (!c.args().isEmpty() && verbs.contains(c.args().get(0))) {
      return null;
    }
    try {
      SweepMain.commandLine().parseArgs(withNumbers(c.args()));
      return null;
    } catch (MissingParameterException e) {
      return c.complete() ? e.getMessage() : null;
    } catch (ParameterException e) {
      return e.getMessage();
    }
  }

  @Test
  void docs_everySweepCommandParses() throws IOException {
    Set<String> verbs = scriptVerbs();
    List<String> broken = new ArrayList<>();
    int complete = 0;
    int partial = 0;
    for (Path file : docs()) {
      for (DocCommand c : commands(file)) {
        if (c.complete()) {
          complete++;
        } else {
          partial++;
        }
        String problem = problem(c, verbs);
        if (problem != null) {
          broken.add(c.where() + "\n    " + problem);
        }
      }
    }
    assertEquals(List.of(), broken, "./sweep commands in the docs that do not parse");
    assertTrue(complete >= 15, "commands in code blocks found: " + complete);
    assertTrue(partial >= 10, "commands in inline code found: " + partial);
  }

  @Test
  void scriptVerbs_areTestAndNoPicocliCommand() throws IOException {
    Set<String> verbs = scriptVerbs();
    assertEquals(Set.of("test"), verbs, "the verbs the sweep script runs itself");
    for (String verb : verbs) {
      assertFalse(
          SweepMain.commandLine().getSubcommands().containsKey(verb),
          verb + " is both a script verb and a picocli command");
    }
  }

  @Test
  void problem_namesABrokenCommand() {
    Set<String> verbs = Set.of("test");
    DocCommand unknownOption =
        new DocCommand("x.md", 3, List.of("run", "SPEC", "--out", "OUT", "--outt", "x"), true);
    assertTrue(problem(unknownOption, verbs).contains("--outt"), problem(unknownOption, verbs));
    DocCommand missing = new DocCommand("x.md", 4, List.of("fit", "--json"), true);
    assertTrue(problem(missing, verbs) != null, "a complete command lacking --input");
    assertEquals(null, problem(new DocCommand("x.md", 5, List.of("fit", "--json"), false), verbs));
    DocCommand badNumber =
        new DocCommand("x.md", 6, List.of("plan", "SPEC", "--power", "--noise", "abc"), true);
    assertTrue(problem(badNumber, verbs) != null, "a value that is no number");
    assertEquals(null, problem(new DocCommand("x.md", 7, List.of("test", "-o"), true), verbs));
  }

  @Test
  void commands_joinContinuationsAndDropComments() {
    assertEquals(
        List.of("run", "a b", "--out", "o"), shellWords(" run 'a b' --out o   # a comment"));
    assertEquals(List.of("plan", "SPEC"), shellWords(" plan SPEC | head -3"));
    assertEquals(List.of("--assume", "E=1 A=2"), shellWords(" --assume \"E=1 A=2\""));
  }
}
