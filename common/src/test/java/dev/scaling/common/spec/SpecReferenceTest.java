package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.source.DataSourceKinds;
import dev.scaling.common.tokenizer.TokenizerKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Holds {@code docs/spec.md}, the spec reference, to the parser: every key the parser accepts is
 * listed there, under the kind that owns it, and every key listed there is accepted.
 *
 * <p>The accepted keys come from the parser itself, never from a list kept here: while it parses,
 * {@link SpecBlock#reportingKnownKeys} reports every mapping's path with the keys it accepts. The
 * specs parsed are every {@code examples/*.yaml}, one spec per kind of every registry (so a kind
 * registered later is parsed too; what a kind needs to parse is in {@link #NEEDS}), each key of a
 * kind written as an empty mapping (a key that is a block of its own then reports that block's
 * keys; a flat key refuses the mapping, which tells it is not a block), and an IsoFLOP grid.
 *
 * <p>The reference's keys are the first column of its tables with the header {@code | key | type |
 * default | rule |}; a key's kind is the heading above its table when that heading names one, as
 * {@code ### `data.source: powerlaw`}. A key whose type is {@code mapping} is a block, and must be
 * one the specs above reach (so a block's own keys cannot go unchecked).
 */
class SpecReferenceTest {

  static final Path ROOT = Path.of("..");
  static final Path REFERENCE = ROOT.resolve("docs/spec.md");

  /** The header of a reference table. */
  static final String HEADER = "| key | type | default | rule |";

  /** What a kind needs in its section to parse, by "selector: name". */
  static final Map<String, Map<String, Object>> NEEDS =
      Map.of(
          "data.tokenizer: bpe", Map.of("vocab_size", 4096),
          "data.tokenizer: hf", Map.of("tokenizer_file", "file:///tokenizer.json"),
          "training.schedule: wsd", Map.of("warmup_tokens", 0));

  /** A registry as the reference sees it: its selector key and its kinds' names and keys. */
  record Registry(String section, String selector, Map<String, Set<String>> keysByName) {
    String selectorPath() {
      return section + "." + selector;
    }
  }

  static List<Registry> registries;

  /** Accepted key path -> the kinds that own it ("" where every kind accepts it). */
  static final Map<String, Set<String>> accepted = new TreeMap<>();

  /** Paths of the mappings the parsed specs reached (sections and blocks). */
  static final Set<String> blocks = new TreeSet<>();

  @BeforeAll
  static void parseEverything() throws IOException {
    registries =
        List.of(
            registry("data", "source", DataSourceKinds.kinds(), k -> k.name(), k -> k.keys()),
            registry("data", "tokenizer", TokenizerKinds.kinds(), k -> k.name(), k -> k.keys()),
            registry("model", "family", ModelFamilyKinds.kinds(), k -> k.name(), k -> k.keys()),
            registry(
                "model",
                "parametrization",
                ParametrizationKinds.kinds(),
                k -> k.name(),
                k -> k.keys()),
            registry("training", "schedule", Schedules.kinds(), k -> k.name(), k -> k.keys()));
    List<Path> examples;
    try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(examples.isEmpty(), "no examples/*.yaml found under " + ROOT.toAbsolutePath());
    for (Path example : examples) {
      record(example.toString(), Files.readString(example));
    }
    for (Registry r : registries) {
      for (Map.Entry<String, Set<String>> kind : r.keysByName().entrySet()) {
        Map<String, Object> spec = base();
        Map<String, Object> section = section(spec, r.section());
        section.put(r.selector(), kind.getKey());
        section.putAll(NEEDS.getOrDefault(r.selectorPath() + ": " + kind.getKey(), Map.of()));
        String what = r.selectorPath() + ": " + kind.getKey();
        record(what + " (add what it needs to SpecReferenceTest.NEEDS)", dump(spec));
        for (String key : kind.getValue()) {
          Map<String, Object> probe = copy(spec);
          section(probe, r.section()).put(key, new LinkedHashMap<>());
          try {
            SpecBlock.reportingKnownKeys(SpecReferenceTest::accept, () -> parse(dump(probe)));
          } catch (SpecException flatKey) {
            // the key is no block of its own: its value is no mapping
          }
        }
      }
    }
    Map<String, Object> isoflop = base();
    Map<String, Object> grid = section(isoflop, "grid");
    grid.remove("tokens");
    grid.put("width", List.of(16, 32, 48, 64, 96, 128));
    grid.put(
        "isoflop",
        new LinkedHashMap<>(
            Map.of("budgets", List.of(1.0e12), "models", 5, "span", 8, "tokens_per_param", 20)));
    record("an IsoFLOP grid", dump(isoflop));
  }

  private static <K> Registry registry(
      String section,
      String selector,
      Collection<K> kinds,
      java.util.function.Function<K, String> name,
      java.util.function.Function<K, Set<String>> keys) {
    Map<String, Set<String>> byName = new TreeMap<>();
    Object main = SpecParser.class.getProtectionDomain().getCodeSource().getLocation();
    for (K kind : kinds) {
      // Only the project's own kinds: a test may register one of its own in this JVM.
      if (Objects.equals(
          kind.getClass().getProtectionDomain().getCodeSource().getLocation(), main)) {
        byName.put(name.apply(kind), keys.apply(kind));
      }
    }
    return new Registry(section, selector, byName);
  }

  private static void record(String what, String yaml) {
    try {
      SpecBlock.reportingKnownKeys(SpecReferenceTest::accept, () -> parse(yaml));
    } catch (SpecException e) {
      fail(what + " does not parse: " + e.getMessage() + "\n" + yaml);
    }
  }

  private static SweepSpec parse(String yaml) {
    return SpecParser.parse(yaml);
  }

  private static void accept(String prefix, Set<String> known) {
    blocks.add(prefix);
    for (String key : known) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      accepted.computeIfAbsent(path, p -> new TreeSet<>()).addAll(owners(path));
    }
  }

  /**
   * The kinds that own {@code path}, as "selector: name": those of its registry whose keys hold its
   * second segment (a block's keys belong to the block's owner); {@code ""} when none does.
   */
  static Set<String> owners(String path) {
    String[] parts = path.split("\\.");
    Set<String> owners = new TreeSet<>();
    if (parts.length >= 2) {
      for (Registry r : registries) {
        if (r.section().equals(parts[0])) {
          r.keysByName()
              .forEach(
                  (name, keys) -> {
                    if (keys.contains(parts[1])) {
                      owners.add(r.selectorPath() + ": " + name);
                    }
                  });
        }
      }
    }
    if (owners.isEmpty()) {
      owners.add("");
    }
    return owners;
  }

  private static Map<String, Object> base() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "reference");
    spec.put("seed", 1);
    spec.put("data", new LinkedHashMap<>(Map.of("source", "synthetic")));
    spec.put("model", new LinkedHashMap<>(Map.of("context", 64, "head_size", 16)));
    spec.put(
        "grid",
        new LinkedHashMap<>(
            Map.of("width", List.of(32), "depth", List.of(1), "tokens", List.of(65536))));
    spec.put("training", new LinkedHashMap<>(Map.of("batch_size", 16, "learning_rate", 1.0e-3)));
    return spec;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> spec, String name) {
    return (Map<String, Object>) spec.get(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    spec.forEach(
        (k, v) -> out.put(k, v instanceof Map<?, ?> m ? copy((Map<String, Object>) m) : v));
    return out;
  }

  private static String dump(Map<String, Object> spec) {
    return new Yaml().dump(spec);
  }

  /** One row of the reference: the key, its type, and the kinds of the heading above it. */
  record Documented(String path, String type, String rule, Set<String> kinds, int line) {}

  static final Pattern KIND_HEADING = Pattern.compile("`([a-z_]+\\.[a-z_]+): ([a-z0-9_-]+)`");
  static final Pattern KEY_CELL = Pattern.compile("^\\|\\s*`([a-z_]+(?:\\.[a-z_]+)*)`\\s*\\|");

  /** The reference's rows by key path (a key listed under several kinds merges their kinds). */
  static Map<String, Documented> documented() throws IOException {
    List<String> lines = Files.readAllLines(REFERENCE);
    Map<String, Documented> rows = new TreeMap<>();
    Set<String> kinds = Set.of("");
    boolean inTable = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("#")) {
        Set<String> heading = new TreeSet<>();
        Matcher m = KIND_HEADING.matcher(line);
        while (m.find()) {
          heading.add(m.group(1) + ": " + m.group(2));
        }
        kinds = heading.isEmpty() ? Set.of("") : heading;
        inTable = false;
        continue;
      }
      if (line.equals(HEADER)) {
        inTable = true;
        continue;
      }
      if (!line.startsWith("|")) {
        inTable = false;
        continue;
      }
      Matcher key = KEY_CELL.matcher(line);
      if (inTable && key.find()) {
        String[] cells = line.split("(?<!\\\\)\\|", -1);
        assertTrue(
            cells.length >= 6,
            REFERENCE + ":" + (i + 1) + ": a row needs key, type, default, rule");
        String path = key.group(1);
        Documented earlier = rows.get(path);
        Set<String> all = new TreeSet<>(kinds);
        if (earlier != null) {
          all.addAll(earlier.kinds());
        }
        rows.put(path, new Documented(path, cells[2].strip(), cells[4].strip(), all, i + 1));
      }
    }
    return rows;
  }

  @Test
  void reference_listsEveryAcceptedKey() throws IOException {
    Set<String> missing = new TreeSet<>(accepted.keySet());
    missing.removeAll(documented().keySet());
    assertEquals(
        Set.of(),
        missing,
        "keys the spec parser accepts that "
            + REFERENCE
            + " does not list (add a row to a table"
            + " headed "
            + HEADER
            + ")");
  }

  @Test
  void reference_listsNoKeyTheParserRefuses() throws IOException {
    Set<String> extra = new TreeSet<>(documented().keySet());
    extra.removeAll(accepted.keySet());
    assertEquals(
        Set.of(), extra, "keys " + REFERENCE + " lists that the spec parser refuses as unknown");
  }

  @Test
  void reference_listsEachKindsKeysUnderThatKind() throws IOException {
    Map<String, Set<String>> wrong = new TreeMap<>();
    Map<String, Documented> docs = documented();
    for (Map.Entry<String, Set<String>> e : accepted.entrySet()) {
      Documented d = docs.get(e.getKey());
      if (d != null && !d.kinds().equals(e.getValue())) {
        wrong.put(
            e.getKey() + " (line " + d.line() + ", listed under " + d.kinds() + ")", e.getValue());
      }
    }
    assertEquals(
        Map.of(),
        wrong,
        "keys listed under the wrong heading: each key with the kinds that own it (\"\" = every"
            + " kind; a kind's keys go under a heading naming it, e.g. ### `data.source: powerlaw`)");
  }

  @Test
  void reference_marksExactlyTheBlocksAsMappings() throws IOException {
    Set<String> documentedBlocks = new TreeSet<>();
    documented().values().stream()
        .filter(d -> d.type().equals("mapping"))
        .forEach(d -> documentedBlocks.add(d.path()));
    Set<String> reached = new TreeSet<>(blocks);
    reached.remove("");
    assertEquals(
        reached,
        documentedBlocks,
        "the keys of type mapping in "
            + REFERENCE
            + " against the blocks the parsed specs reached (a documented block that was not"
            + " reached needs a spec in SpecReferenceTest that uses it)");
  }

  @Test
  void reference_namesEveryRegisteredKindInItsSelectorsRule() throws IOException {
    Map<String, Documented> docs = documented();
    List<String> unnamed = new ArrayList<>();
    for (Registry r : registries) {
      Documented selector = docs.get(r.selectorPath());
      assertTrue(selector != null, r.selectorPath() + " is not in " + REFERENCE);
      for (String name : r.keysByName().keySet()) {
        if (!selector.rule().contains("`" + name + "`")) {
          unnamed.add(r.selectorPath() + ": " + name);
        }
      }
    }
    assertEquals(
        List.of(), unnamed, "registered kinds the rule of their selector key does not name");
  }

  /** The {@code yaml} code blocks of the README and docs/*.md: file:line and text. */
  static Map<String, String> yamlBlocks() throws IOException {
    Map<String, String> blocks = new LinkedHashMap<>();
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).strip().equals("```yaml")) {
          int start = i + 1;
          StringBuilder text = new StringBuilder();
          while (++i < lines.size() && !lines.get(i).strip().startsWith("```")) {
            text.append(lines.get(i)).append('\n');
          }
          blocks.put(ROOT.relativize(page) + ":" + start, text.toString());
        }
      }
    }
    return blocks;
  }

  private static void flatten(String prefix, Object value, Set<String> out) {
    if (value instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            String path = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            out.add(path);
            flatten(path, v, out);
          });
    }
  }

  @Test
  void docsYaml_usesOnlyAcceptedKeysAndWholeSpecsParse() throws IOException {
    Map<String, String> blocks = yamlBlocks();
    assertTrue(blocks.size() >= 5, "yaml blocks found: " + blocks.keySet());
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> b : blocks.entrySet()) {
      Set<String> paths = new TreeSet<>();
      flatten("", new Yaml().load(b.getValue()), paths);
      paths.removeAll(accepted.keySet());
      if (!paths.isEmpty()) {
        wrong.add(b.getKey() + ": keys the parser refuses " + paths);
      }
      if (b.getValue().startsWith("name:")) {
        try {
          SpecParser.parse(b.getValue());
        } catch (SpecException e) {
          wrong.add(b.getKey() + ": a whole spec that does not parse: " + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), wrong, "spec snippets in the docs");
  }

  @Test
  void parsedSpecs_reachEveryKindAndBlock() {
    // The check above is only as good as the specs parsed: they reach the built-in blocks, and
    // every
    // registry has more than one kind.
    assertTrue(blocks.containsAll(Set.of("", "data", "model", "grid", "training")), "" + blocks);
    assertTrue(
        blocks.containsAll(Set.of("data.powerlaw", "data.synthetic", "grid.isoflop")), "" + blocks);
    for (Registry r : registries) {
      assertTrue(r.keysByName().size() >= 1, r.selectorPath() + " has no kinds");
    }
    assertTrue(accepted.containsKey("training.warmup_tokens"), "wsd's keys were reached");
    assertEquals(Set.of("training.schedule: wsd"), accepted.get("training.warmup_tokens"));
    assertEquals(Set.of(""), accepted.get("data.eval_tokens"));
    assertEquals(Set.of("data.source: powerlaw"), accepted.get("data.powerlaw.skills"));
  }
}
