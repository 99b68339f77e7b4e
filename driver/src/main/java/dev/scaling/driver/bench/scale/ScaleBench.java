package dev.scaling.driver.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.io.CountingLocalFileSystem;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.spark.TrialTraining;
import dev.scaling.driver.sweep.RunOutcome;
import dev.scaling.driver.sweep.SweepLoader;
import dev.scaling.driver.sweep.SweepRequest;
import dev.scaling.driver.sweep.SweepService;
import dev.scaling.worker.Engines;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./sweep bench --scale TRIALS --slots K}: one scale case. It generates a spec of TRIALS
 * independent trials ({@link ScaleSpec}), starts a real standalone cluster on 127.0.0.1 with {@code
 * deploy/local-cluster} (K slots over several Worker JVMs: cores are declared, and the stand-in
 * sleeps), makes this JVM the Spark driver with the stand-in on ({@link
 * TrialTraining#STAND_IN_FLOPS_PER_SECOND}, its rate set so the mean trial sleeps {@link
 * Options#meanSeconds}) and {@code file:} counted ({@link CountingLocalFileSystem}), runs {@link
 * SweepService#run} once (the sweep) and again on the same OUT (the resume, every commit present),
 * and returns what it measured ({@link ScaleResult}). The cluster is stopped and the session closed
 * whatever happens. Called on the bench's main thread; its probes run on threads of their own.
 */
public final class ScaleBench {
  /**
   * How to run one case.
   *
   * @param trials trials of the generated spec (a multiple of 25)
   * @param slots task slots in all
   * @param meanSeconds the mean stand-in sleep per trial
   * @param workDir where OUT, the spec, the cluster's state and the driver's log go
   * @param keepOut keep {@code workDir} afterwards
   * @param pollSeconds seconds between polls of {@code /sweep/json}
   * @param heapSampleSeconds seconds between full-collection heap samples (0: only at the end of
   *     training)
   * @param render load the Sweep page in headless Chromium once, after training
   * @param root the repository root (holds {@code deploy/local-cluster} and the app jar)
   */
  public record Options(
      int trials,
      int slots,
      double meanSeconds,
      Path workDir,
      boolean keepOut,
      double pollSeconds,
      double heapSampleSeconds,
      boolean render,
      Path root) {
    public Options {
      if (slots <= 0) {
        throw new IllegalArgumentException("slots must be positive, found " + slots);
      }
      if (!(meanSeconds > 0)) {
        throw new IllegalArgumentException(
            "the mean stand-in seconds must be > 0, found " + meanSeconds);
      }
    }

    /** Defaults for {@code trials} x {@code slots}: 2 s per trial, OUT in a temporary folder. */
    public static Options of(int trials, int slots, double meanSeconds) {
      return new Options(trials, slots, meanSeconds, null, false, 2, 30, true, findRoot());
    }
  }

  /** The targets of issue #25 (stated at 10 000 x 256), by figure: {text, bound, upper?}. */
  static final Object[][] TARGETS = {
    {"makespan_ratio", "<= 1.05", 1.05},
    {"overhead_ms_per_trial", "< 20 ms", 20.0},
    {"driver_heap_gb", "< 2 GB", 2.0},
    {"resume_s", "< 30 s", 30.0},
    {
      "resume_listings", "O(1): <= " + ScaleBench.LISTINGS_BOUND, (double) ScaleBench.LISTINGS_BOUND
    },
    {"json_kb", "< 500 kB", 500.0},
    {"render_s", "< 1 s", 1.0},
    {"tables_s", "< 30 s", 30.0},
    {"fit_s", "-", Double.NaN}
  };

  /**
   * Listings a resume with every commit present may make in the driver, whatever the trial count:
   * the commit folder and the few folders around it, the tables and the report.
   */
  public static final int LISTINGS_BOUND = 40;

  private final Options options;
  private final PrintStream log;

  public ScaleBench(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  /** The repository root: the nearest folder up from here that holds deploy/local-cluster. */
  public static Path findRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/local-cluster"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }

  /**
   * Runs the case; the cluster is stopped and the work folder removed (unless kept) in any case.
   */
  public ScaleResult run() throws Exception {
    long caseStart = System.nanoTime();
    Path root = options.root();
    Path script = root.resolve("deploy/local-cluster");
    Path appJar = root.resolve("deploy/target/scaling-sweep-app.jar");
    if (!Files.isRegularFile(script) || !Files.isRegularFile(appJar)) {
      throw new IllegalStateException(
          "the scale bench needs "
              + script
              + " and the app jar "
              + appJar
              + " (./sweep builds it; run from the repository)");
    }
    Path work =
        options.workDir() != null
            ? Files.createDirectories(options.workDir())
            : Files.createTempDirectory("sweep-scale-");
    Path clusterDir = work.resolve("cluster");
    ScaleSpec spec = ScaleSpec.of(options.trials());
    Path specFile = work.resolve("scale.yaml");
    Files.writeString(specFile, spec.yaml(), StandardCharsets.UTF_8);
    Path out = work.resolve("out");
    Plan plan = SweepLoader.load(specFile.toString(), new Configuration()).plan();
    int trials = plan.trials().size();
    double rate = plan.totalFlops() / trials / options.meanSeconds();
    double bound = plan.totalFlops() / rate / options.slots();
    int workers = options.slots() >= 4 ? 4 : 1;
    int cores = (options.slots() + workers - 1) / workers;
    log.printf(
        Locale.ROOT,
        "[scale %dx%d] %d trials, stand-in at %.3g FLOP/s (mean %.2fs, longest %.2fs), bound %.1fs;"
            + " cluster %d workers x %d cores; work %s%n",
        trials,
        options.slots(),
        trials,
        rate,
        options.meanSeconds(),
        plan.maxTrialFlops() / rate,
        bound,
        workers,
        cores,
        work);
    SparkSession spark = null;
    // Ctrl-C or a kill mid-case: the Master and Workers must not outlive the bench.
    Thread stopOnExit =
        new Thread(
            () -> {
              try {
                cluster(script, clusterDir, 60, "stop");
              } catch (Exception e) {
                // exiting anyway
              }
            },
            "scale-bench-cluster-stop");
    Path driverLog = work.resolve("driver.log");
    try (PrintStream console =
        new PrintStream(new FileOutputStream(driverLog.toFile()), true, StandardCharsets.UTF_8)) {
      cluster(script, clusterDir, 60, "stop");
      cluster(
          script,
          clusterDir,
          300,
          "start",
          "--workers",
          "" + workers,
          "--cores",
          "" + cores,
          "--memory",
          "2g");
      String master = Files.readString(clusterDir.resolve("master-url")).trim();
      Runtime.getRuntime().addShutdownHook(stopOnExit);
      spark =
          SparkSession.builder()
              .master(master)
              .appName("scale bench " + trials + "x" + options.slots())
              .config("spark.jars", appJar.toString())
              .config("spark.cores.max", "" + options.slots())
              .config("spark.executor.memory", "1g")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.task.maxFailures", "4")
              .config("spark.executorEnv.DJL_OFFLINE", "true")
              .config("spark.executorEnv.OPT_OUT_TRACKING", "true")
              .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
              // Executors log at WARN as the driver does: Spark's default INFO writes two lines per
              // task through the Worker's pipe, which throttled 64-slot executors on 2 cores.
              .config(
                  "spark.executor.extraJavaOptions",
                  "-Dai.djl.offline=true -Dlog4j2.configurationFile="
                      + root.resolve("deploy/conf/log4j2.properties").toUri())
              .config("spark.hadoop.fs.file.impl", CountingLocalFileSystem.class.getName())
              .config("spark.hadoop.fs.file.impl.disable.cache", "true")
              .config(TrialTraining.STAND_IN_FLOPS_PER_SECOND, Double.toString(rate))
              .getOrCreate();
      int executors = awaitSlots(spark, options.slots(), workers);
      warmUp(spark, options.slots());

      SweepRequest request = SweepRequest.builder(specFile.toString(), out.toString()).build();
      String ui = spark.sparkContext().uiWebUrl().getOrElse(() -> null);
      ScaleResult result;
      try (HeapWatch heap = new HeapWatch(options.heapSampleSeconds());
          PageProbe page = ui == null ? null : new PageProbe(ui, options.pollSeconds())) {
        TaskClock clock =
            new TaskClock(trials, () -> daemon("scale-bench-heap-end", heap::sampleLive));
        spark.sparkContext().addSparkListener(clock);
        CountingLocalFileSystem.reset();
        RunOutcome first = SweepService.run(request, console);
        CountingLocalFileSystem.Counts firstCounts = CountingLocalFileSystem.counts();
        heap.sampleLive();
        if (page != null && options.render()) {
          // After training, the Sweep tab still showing every trial: a browser started half way
          // took a core of two for a minute and distorted the makespan it was measured beside.
          page.render();
        }
        spark.sparkContext().removeSparkListener(clock);
        double slept = first.outcomes().stream().mapToDouble(o -> o.result().wallSeconds()).sum();
        TaskClock.Overhead overhead = clock.overhead(slept, options.slots());
        long commitFiles = countCommits(out.resolve("commits"));
        log.printf(
            Locale.ROOT,
            "[scale %s] trained %d in %.1fs (bound %.1fs); tables %.1fs, fit %.1fs; resuming...%n",
            trials + "x" + options.slots(),
            first.trainedThisRun(),
            first.phases().trainSeconds(),
            bound,
            first.phases().tablesSeconds(),
            first.phases().fitSeconds());

        CountingLocalFileSystem.reset();
        RunOutcome second = SweepService.run(request, console);
        CountingLocalFileSystem.Counts resumeCounts = CountingLocalFileSystem.counts();
        result =
            new ScaleResult(
                trials,
                options.slots(),
                executors,
                rate,
                options.meanSeconds(),
                bound,
                first.phases().trainSeconds(),
                first.phases().trainSeconds() / bound,
                overhead.totalMs(),
                overhead.inTaskMs(),
                overhead.refillMs(),
                heap.livePeakGb(),
                heap.afterGcPeakGb(),
                first.trainedThisRun(),
                (int) first.outcomes().stream().map(o -> o.trial().trialId()).distinct().count(),
                commitFiles,
                firstCounts.listings(),
                firstCounts.opens(),
                second.trainedThisRun(),
                second.phases().resumeSeconds(),
                resumeCounts.listings(),
                resumeCounts.opens(),
                resumeCounts.statuses(),
                second.wallSeconds(),
                page == null ? Double.NaN : page.largestKb(),
                page == null ? 0 : page.polls(),
                page == null || !options.render() ? Double.NaN : page.renderSeconds(),
                page == null
                    ? "no Spark UI"
                    : options.render() ? page.renderNote() : "not rendered (--no-render)",
                first.phases().tablesSeconds(),
                first.phases().fitSeconds(),
                clock.events(),
                clock.accumulatorUpdates(),
                (System.nanoTime() - caseStart) / 1e9,
                out.toString());
        markedOrFail(first.outcomes());
      }
      return result;
    } finally {
      if (spark != null) {
        try {
          spark.stop();
        } catch (RuntimeException e) {
          log.println("[scale] stopping Spark: " + e);
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // exiting already, or never added
      }
      try {
        cluster(script, clusterDir, 120, "stop");
      } catch (Exception e) {
        log.println("[scale] stopping the cluster: " + e);
      }
      if (!options.keepOut()) {
        deleteTree(work);
      } else {
        log.println("[scale] kept " + work + " (driver log " + driverLog + ")");
      }
    }
  }

  /** Every outcome must be the stand-in's, marked so: a trained row here would be a bench bug. */
  private static void markedOrFail(List<TrialOutcome> outcomes) {
    for (TrialOutcome o : outcomes) {
      if (o.provenance() == null || !o.provenance().standIn()) {
        throw new IllegalStateException(
            "trial " + o.trial().trialId() + " is not marked as the stand-in's: " + o.provenance());
      }
    }
  }

  /** The scale rows of {@code r}: one per figure, the target and PASS/MISS beside each. */
  public static List<Row> rows(ScaleResult r) {
    List<Row> rows = new ArrayList<>();
    for (Object[] t : TARGETS) {
      String figure = (String) t[0];
      double value = r.figures().get(figure);
      double limit = (Double) t[2];
      String verdict;
      if (Double.isNaN(limit)) {
        verdict = "";
      } else if (Double.isNaN(value)) {
        verdict = "n/a";
      } else {
        boolean inclusive = ((String) t[1]).startsWith("<=") || figure.equals("resume_listings");
        verdict = (inclusive ? value <= limit : value < limit) ? "PASS" : "MISS";
      }
      rows.add(
          new Row(
              "scale",
              r.name() + " " + figure,
              figure.equals("resume_listings") ? Long.toString(r.resumeListings()) : fmt(value),
              reference(r, figure),
              "",
              (String) t[1],
              verdict,
              note(r, figure)));
    }
    return rows;
  }

  private static String reference(ScaleResult r, String figure) {
    return switch (figure) {
      case "makespan_ratio" -> String.format(Locale.ROOT, "bound %.1fs", r.boundSeconds());
      case "resume_listings" -> r.trials() + " trials";
      default -> "";
    };
  }

  private static String note(ScaleResult r, String figure) {
    return switch (figure) {
      case "makespan_ratio" ->
          String.format(
              Locale.ROOT,
              "training %.1fs for %d trials of mean %.2fs on %d slots (%d executors)",
              r.trainSeconds(),
              r.trials(),
              r.meanSleepSeconds(),
              r.slots(),
              r.executors());
      case "overhead_ms_per_trial" ->
          String.format(
              Locale.ROOT,
              "in-task %.1f ms beyond the sleep + slot refill %.1f ms per refill; %d listener"
                  + " events, %d accumulator updates",
              r.inTaskOverheadMs(),
              r.refillGapMs(),
              r.listenerEvents(),
              r.accumulatorUpdates());
      case "driver_heap_gb" ->
          String.format(
              Locale.ROOT, "live after full GC; peak after any GC %.2f GB", r.heapAfterGcPeakGb());
      case "resume_s" ->
          String.format(
              Locale.ROOT,
              "second run on the same OUT: trained %d, %.1fs in all",
              r.resumeTrained(),
              r.resumeWallSeconds());
      case "resume_listings" ->
          String.format(
              Locale.ROOT,
              "whole second run: %d listings, %d opens, %d status calls; first run %d listings, %d"
                  + " opens; %d commit files",
              r.resumeListings(),
              r.resumeOpens(),
              r.resumeStatuses(),
              r.firstListings(),
              r.firstOpens(),
              r.commitFiles());
      case "json_kb" -> "largest of " + r.jsonPolls() + " polls while training";
      case "render_s" -> r.renderNote();
      case "tables_s" -> "OUT/trials and OUT/curves from the commits (first run)";
      case "fit_s" -> "final fit and report (first run)";
      default -> "";
    };
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    return String.format(
        Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
  }

  /** Writes {@code results} as JSON to {@code file} (what the IT and scripts read back). */
  public static void writeJson(List<ScaleResult> results, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), results);
  }

  private static long countCommits(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
    }
  }

  /** Waits (<= 180 s) until the executors offer {@code slots} cores; returns their number. */
  private static int awaitSlots(SparkSession spark, int slots, int workers)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      int executors = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
      int cores = spark.sparkContext().defaultParallelism();
      if (cores >= slots && executors >= Math.min(workers, slots)) {
        return executors;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the cluster offered " + cores + " of " + slots + " slots after 180 s");
      }
      Thread.sleep(250);
    }
  }

  /** One task per slot loads libtorch on every executor, so no trial pays for it. */
  private static void warmUp(SparkSession spark, int slots) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      ids.add(i);
    }
    jsc.parallelize(ids, slots)
        .foreach(
            i -> {
              Engines.configure(1);
              Thread.sleep(200);
            });
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String cluster(Path script, Path state, int timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(script.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LOCAL_CLUSTER_DIR", state.toString());
    Process p = pb.start();
    byte[] text = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    String out = new String(text, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 && args[0].equals("start")) {
      throw new IllegalStateException("exit " + p.exitValue() + " from " + cmd + ":\n" + out);
    }
    return out;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }
}
