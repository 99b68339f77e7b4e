package dev.scaling.common.spec;

import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.Schedules;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a sweep spec from YAML (SnakeYAML, safe constructor) into a validated {@link SweepSpec}.
 * Every key is checked: unknown keys, wrong types and bad values fail with a {@link SpecException}
 * naming the field, the rule and the value found.
 */
public final class SpecParser {

  private SpecParser() {}

  /** Parses a spec file from the local file system. */
  public static SweepSpec parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    }
  }

  /** Parses YAML text. */
  public static SweepSpec parse(String yaml) {
    return parse(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Parses YAML from a stream (UTF-8). */
  public static SweepSpec parse(InputStream in) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root =
          new Yaml(new SafeConstructor(options))
              .load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (MarkedYAMLException e) {
      throw SpecException.of("spec", "is not valid YAML " + marked(e));
    } catch (YAMLException e) {
      throw SpecException.of("spec", "is not valid YAML: " + oneLine(e.getMessage()));
    }
    SpecBlock top = SpecBlock.root(root);
    String name = top.string("name", null);
    long seed = top.longValue("seed", null);
    DataSpec data = data(top.child("data"));
    ModelSpec model = model(top.child("model"));
    GridSpec grid = grid(top.child("grid"));
    TrialLimit.check(grid);
    TrainingSpec training = training(top.child("training"));
    top.rejectUnknown(Set.of("name", "seed", "data", "model", "grid", "training"));
    return new SweepSpec(name, seed, data, model, grid, training);
  }

  /**
   * A parser error as one line: where (1-based line and column), the problem (e.g. "found duplicate
   * key depth", "found character '\\t(TAB)' that cannot start any token") and its context with its
   * own line, e.g. "at line 13, column 3: found duplicate key depth (while constructing a mapping
   * at line 11, column 3)".
   */
  private static String marked(MarkedYAMLException e) {
    StringBuilder s = new StringBuilder();
    Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    if (at != null) {
      s.append(
          String.format(
              Locale.ROOT, "at line %d, column %d", at.getLine() + 1, at.getColumn() + 1));
    }
    s.append(": ").append(oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    if (e.getContext() != null) {
      s.append(" (").append(oneLine(e.getContext()));
      Mark c = e.getContextMark();
      if (c != null && c != at) {
        s.append(
            String.format(
                Locale.ROOT, " at line %d, column %d", c.getLine() + 1, c.getColumn() + 1));
      }
      s.append(')');
    }
    return s.toString();
  }

  /** {@code text} with line breaks and other control characters as spaces, at most 200 chars. */
  private static String oneLine(String text) {
    String t = text == null ? "" : text.replaceAll("\\p{Cntrl}+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /**
   * The {@code data} section. Source and tokenizer are names here; the worker's registries decide
   * which exist and what each source needs, and the driver's preflight checks that before any trial
   * runs.
   */
  private static DataSpec data(SpecBlock n) {
    DataSource source = new DataSource(n.string("source", DataSource.SYNTHETIC.name()));
    String path = n.string("path", null);
    String tokenizer = n.string("tokenizer", "bytes");
    double validation = n.doubleValue("validation_fraction", 0.1);
    int evalTokens = n.intValue("eval_tokens", 8192);
    SyntheticSpec synthetic = SyntheticSpec.DEFAULT;
    if (n.has("synthetic")) {
      SpecBlock s = n.child("synthetic");
      synthetic =
          new SyntheticSpec(
              s.intValue("vocab", SyntheticSpec.DEFAULT.vocab()),
              s.intValue("order", SyntheticSpec.DEFAULT.order()),
              s.intValue("branching", SyntheticSpec.DEFAULT.branching()),
              s.doubleValue("zipf", SyntheticSpec.DEFAULT.zipf()));
      s.rejectUnknown(Set.of("vocab", "order", "branching", "zipf"));
    }
    String textColumn = n.string("text_column", DataSpec.DEFAULT_TEXT_COLUMN);
    Integer vocabSize = n.has("vocab_size") ? n.intValue("vocab_size", null) : null;
    String tokenizerFile = n.string("tokenizer_file", null);
    boolean epochsAllowed = n.has("epochs_allowed") && n.booleanValue("epochs_allowed");
    String cache = n.string("cache", null);
    PowerLawSpec powerlaw = source.equals(DataSource.POWERLAW) ? PowerLawSpec.DEFAULT : null;
    if (n.has("powerlaw")) {
      SpecException.require(
          source.equals(DataSource.POWERLAW),
          "data.powerlaw",
          "absent unless data.source is powerlaw (data.source is " + source + ")",
          "a powerlaw block");
      SpecBlock p = n.child("powerlaw");
      PowerLawSpec d = PowerLawSpec.DEFAULT;
      powerlaw =
          new PowerLawSpec(
              p.intValue("skills", d.skills()),
              p.intValue("inputs", d.inputs()),
              p.intValue("outputs", d.outputs()),
              p.intValue("pairs", d.pairs()),
              p.doubleValue("exponent", d.exponent()),
              p.doubleValue("noise", d.noise()));
      p.rejectUnknown(Set.of("skills", "inputs", "outputs", "pairs", "exponent", "noise"));
    }
    n.rejectUnknown(
        Set.of(
            "source",
            "path",
            "tokenizer",
            "validation_fraction",
            "eval_tokens",
            "synthetic",
            "text_column",
            "vocab_size",
            "tokenizer_file",
            "epochs_allowed",
            "cache",
            "powerlaw"));
    return new DataSpec(
        source,
        path,
        tokenizer,
        validation,
        evalTokens,
        synthetic,
        textColumn,
        vocabSize,
        tokenizerFile,
        epochsAllowed,
        cache,
        powerlaw);
  }

  private static ModelSpec model(SpecBlock n) {
    ModelSpec m =
        new ModelSpec(
            n.string("family", "transformer"),
            n.intValue("context", null),
            n.intValue("head_size", null),
            parametrization(n));
    n.rejectUnknown(Set.of("family", "context", "head_size", "parametrization", "base_width"));
    return m;
  }

  /**
   * {@code model.parametrization} and {@code model.base_width}: null for the standard
   * parametrization (which has no base width), so a spec that does not name one keeps its trial
   * ids.
   */
  private static ParametrizationSpec parametrization(SpecBlock n) {
    String name = n.string("parametrization", ParametrizationSpec.STANDARD);
    if (name.equals(ParametrizationSpec.STANDARD)) {
      if (n.has("base_width")) {
        throw new SpecException(
            n.path("base_width"),
            "absent unless model.parametrization scales with width (parametrization is "
                + name
                + ")",
            n.map().get("base_width"));
      }
      return null;
    }
    return new ParametrizationSpec(
        name, n.intValue("base_width", ParametrizationSpec.DEFAULT_BASE_WIDTH));
  }

  private static GridSpec grid(SpecBlock n) {
    IsoflopSpec isoflop = null;
    if (n.has("isoflop")) {
      SpecBlock i = n.child("isoflop");
      isoflop =
          new IsoflopSpec(
              i.doubleList("budgets"),
              i.intValue("models", null),
              i.doubleValue("span", null),
              i.doubleValue("tokens_per_param", null));
      i.rejectUnknown(Set.of("budgets", "models", "span", "tokens_per_param"));
    }
    GridSpec g =
        new GridSpec(
            n.intList("width"),
            n.intList("depth"),
            n.has("tokens") ? n.longList("tokens") : null,
            n.has("learning_rate") ? n.doubleList("learning_rate") : List.of(),
            n.has("seeds") ? n.intList("seeds") : List.of(0),
            isoflop);
    n.rejectUnknown(Set.of("width", "depth", "tokens", "learning_rate", "seeds", "isoflop"));
    return g;
  }

  /**
   * The {@code training} section: the fields every schedule shares, and the settings of the one
   * {@code training.schedule} names, which its {@link ScheduleKind} reads from this block. A key
   * another schedule reads is refused, naming that schedule.
   */
  private static TrainingSpec training(SpecBlock n) {
    String schedule = n.string("schedule", Schedules.DEFAULT);
    ScheduleKind kind = Schedules.kind(schedule);
    Set<String> known = new TreeSet<>(TRAINING_KEYS);
    known.addAll(kind.keys());
    for (ScheduleKind other : Schedules.kinds()) {
      for (String key : new TreeSet<>(other.keys())) {
        if (!known.contains(key) && n.has(key)) {
          throw new SpecException(
              n.path(key),
              "absent unless training.schedule is "
                  + other.name()
                  + " (schedule is "
                  + schedule
                  + ")",
              n.map().get(key));
        }
      }
    }
    ScheduleSettings settings = kind.parse(n);
    TrainingSpec t =
        new TrainingSpec(
            n.intValue("batch_size", null),
            n.doubleValue("learning_rate", null),
            kind.warmsUpByFraction() ? n.doubleValue("warmup_fraction", 0.05) : 0.0,
            n.doubleValue("min_lr_fraction", kind.defaultMinLrFraction()),
            n.doubleValue("grad_clip", 1.0),
            n.intValue("eval_interval", 100),
            schedule,
            settings);
    n.rejectUnknown(known);
    return t;
  }

  /** The keys of {@code training} every schedule shares. */
  private static final Set<String> TRAINING_KEYS =
      Set.of(
          "batch_size",
          "learning_rate",
          "warmup_fraction",
          "min_lr_fraction",
          "grad_clip",
          "eval_interval",
          "schedule");
}
