package dev.scaling.common.spec;

import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.schedule.WsdSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
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
    } catch (YAMLException e) {
      throw SpecException.of(
          "spec", "is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    Node top = Node.root(root);
    String name = top.string("name", null);
    long seed = top.longValue("seed", null);
    DataSpec data = data(top.child("data"));
    ModelSpec model = model(top.child("model"));
    GridSpec grid = grid(top.child("grid"));
    TrainingSpec training = training(top.child("training"));
    top.rejectUnknown(Set.of("name", "seed", "data", "model", "grid", "training"));
    return new SweepSpec(name, seed, data, model, grid, training);
  }

  /**
   * The {@code data} section. Source and tokenizer are names here; the worker's registries decide
   * which exist and what each source needs, and the driver's preflight checks that before any trial
   * runs.
   */
  private static DataSpec data(Node n) {
    DataSource source = new DataSource(n.string("source", DataSource.SYNTHETIC.name()));
    String path = n.string("path", null);
    String tokenizer = n.string("tokenizer", "bytes");
    double validation = n.doubleValue("validation_fraction", 0.1);
    int evalTokens = n.intValue("eval_tokens", 8192);
    SyntheticSpec synthetic = SyntheticSpec.DEFAULT;
    if (n.has("synthetic")) {
      Node s = n.child("synthetic");
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
      Node p = n.child("powerlaw");
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

  private static ModelSpec model(Node n) {
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
  private static ParametrizationSpec parametrization(Node n) {
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

  private static GridSpec grid(Node n) {
    IsoflopSpec isoflop = null;
    if (n.has("isoflop")) {
      Node i = n.child("isoflop");
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

  private static TrainingSpec training(Node n) {
    String schedule = n.string("schedule", Schedules.DEFAULT);
    boolean wsd = schedule.equals(WsdSchedule.NAME);
    WsdSpec wsdSpec = null;
    if (wsd) {
      if (n.has("warmup_fraction")) {
        throw new SpecException(
            n.path("warmup_fraction"),
            "absent with schedule wsd (a warmup that depends on D would give every D its own"
                + " trunk: give training.warmup_tokens instead)",
            n.map().get("warmup_fraction"));
      }
      if (!n.has("warmup_tokens")) {
        throw new SpecException(
            n.path("warmup_tokens"),
            "present with schedule wsd (tokens of linear warmup, the same for every D, e.g."
                + " 16384)",
            null);
      }
      wsdSpec =
          new WsdSpec(
              n.longValue("warmup_tokens", null),
              n.doubleValue("cooldown_fraction", WsdSpec.DEFAULT_COOLDOWN_FRACTION),
              CooldownShape.parse(
                  n.path("cooldown_shape"),
                  n.string("cooldown_shape", CooldownShape.ONE_MINUS_SQRT.label())));
    } else {
      for (String key : WSD_KEYS) {
        if (n.has(key)) {
          throw new SpecException(
              n.path(key),
              "absent unless training.schedule is wsd (schedule is " + schedule + ")",
              n.map().get(key));
        }
      }
    }
    TrainingSpec t =
        new TrainingSpec(
            n.intValue("batch_size", null),
            n.doubleValue("learning_rate", null),
            wsd ? 0.0 : n.doubleValue("warmup_fraction", 0.05),
            n.doubleValue("min_lr_fraction", wsd ? 0.0 : 0.1),
            n.doubleValue("grad_clip", 1.0),
            n.intValue("eval_interval", 100),
            schedule,
            wsdSpec);
    Set<String> known =
        new TreeSet<>(
            Set.of(
                "batch_size",
                "learning_rate",
                "warmup_fraction",
                "min_lr_fraction",
                "grad_clip",
                "eval_interval",
                "schedule"));
    known.addAll(WSD_KEYS);
    n.rejectUnknown(known);
    return t;
  }

  /** The keys of the wsd schedule's settings ({@link WsdSpec}). */
  private static final List<String> WSD_KEYS =
      List.of("warmup_tokens", "cooldown_fraction", "cooldown_shape");

  /** A YAML mapping with its dotted path, giving typed, named access to its keys. */
  private record Node(String prefix, Map<String, Object> map) {

    static Node root(Object yaml) {
      if (yaml == null) {
        throw SpecException.of(
            "spec", "is empty; expected a mapping with name, seed, data, model, grid, training");
      }
      return new Node("", asMap("spec", yaml));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(String field, Object value) {
      if (!(value instanceof Map<?, ?> m)) {
        throw new SpecException(field, "a mapping", value);
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        copy.put(String.valueOf(e.getKey()), e.getValue());
      }
      return copy;
    }

    String path(String key) {
      return prefix.isEmpty() ? key : prefix + "." + key;
    }

    boolean has(String key) {
      return map.containsKey(key) && map.get(key) != null;
    }

    Node child(String key) {
      Object v = map.get(key);
      if (v == null) {
        throw new SpecException(path(key), "a mapping", null);
      }
      return new Node(path(key), asMap(path(key), v));
    }

    void rejectUnknown(Set<String> known) {
      Set<String> unknown = new TreeSet<>(map.keySet());
      unknown.removeAll(known);
      if (!unknown.isEmpty()) {
        String key = unknown.iterator().next();
        throw new SpecException(
            path(key), "one of the known keys " + new TreeSet<>(known), key + " (unknown key)");
      }
    }

    private Object required(String key, Object dflt) {
      Object v = map.get(key);
      if (v == null) {
        if (dflt == null) {
          throw new SpecException(path(key), "present", null);
        }
        return dflt;
      }
      return v;
    }

    String string(String key, String dflt) {
      Object v = map.get(key);
      if (v == null) {
        return dflt;
      }
      if (!(v instanceof String s)) {
        throw new SpecException(path(key), "a string", v);
      }
      return s;
    }

    boolean booleanValue(String key) {
      Object v = map.get(key);
      if (!(v instanceof Boolean b)) {
        throw new SpecException(path(key), "true or false", v);
      }
      return b;
    }

    long longValue(String key, Long dflt) {
      return toLong(path(key), required(key, dflt));
    }

    int intValue(String key, Integer dflt) {
      return toInt(path(key), required(key, dflt));
    }

    double doubleValue(String key, Double dflt) {
      Object v = required(key, dflt);
      if (v instanceof Number num && !(v instanceof Long l && Math.abs(l) > (1L << 53))) {
        return num.doubleValue();
      }
      throw new SpecException(path(key), "a number", v);
    }

    List<Integer> intList(String key) {
      List<Integer> out = new ArrayList<>();
      List<?> raw = list(key);
      for (int i = 0; i < raw.size(); i++) {
        out.add(toInt(path(key) + "[" + i + "]", raw.get(i)));
      }
      return out;
    }

    List<Double> doubleList(String key) {
      List<Double> out = new ArrayList<>();
      List<?> raw = list(key);
      for (int i = 0; i < raw.size(); i++) {
        if (!(raw.get(i) instanceof Number num)) {
          throw new SpecException(path(key) + "[" + i + "]", "a number", raw.get(i));
        }
        out.add(num.doubleValue());
      }
      return out;
    }

    List<Long> longList(String key) {
      List<Long> out = new ArrayList<>();
      List<?> raw = list(key);
      for (int i = 0; i < raw.size(); i++) {
        out.add(toLong(path(key) + "[" + i + "]", raw.get(i)));
      }
      return out;
    }

    private List<?> list(String key) {
      Object v = map.get(key);
      if (!(v instanceof List<?> l)) {
        throw new SpecException(path(key), "a non-empty list", v);
      }
      return l;
    }

    private static long toLong(String field, Object v) {
      if (v instanceof Integer || v instanceof Long) {
        return ((Number) v).longValue();
      }
      if (v instanceof java.math.BigInteger) {
        throw new SpecException(field, "a whole number that fits in 64 bits", v);
      }
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
        return d.longValue(); // allows 1.0e6 style token counts
      }
      throw new SpecException(field, "a whole number", v);
    }

    private static int toInt(String field, Object v) {
      long l = toLong(field, v);
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new SpecException(field, "a whole number that fits in 32 bits", v);
      }
      return (int) l;
    }
  }
}
