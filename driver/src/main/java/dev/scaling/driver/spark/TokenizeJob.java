package dev.scaling.driver.spark;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.plan.Plan;
import dev.scaling.worker.data.DataSources;
import dev.scaling.worker.data.TokenCache;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Tokenizes a corpus once, as a Spark job before training: the executors read groups of the corpus'
 * files and write token shards into its {@link TokenCache} (on any Hadoop FS), training the
 * tokenizer first where it is trained (word counts from the executors, merges on the driver). A
 * cache that is already complete is reused, and the run says so. Then the cache's index is checked
 * against the plan (one window per split, the largest D unless epochs are allowed), so a corpus too
 * small is refused before any trial trains or anything is written to OUT.
 */
public final class TokenizeJob {
  private TokenizeJob() {}

  /**
   * What the job found or built.
   *
   * @param location the cache folder and the corpus' files
   * @param reused whether the cache was complete already
   * @param trainTokens tokens of the training split
   * @param seconds wall time of the job (0 when reused)
   */
  public record Result(
      TokenCache.Location location, boolean reused, long trainTokens, double seconds) {}

  /** Word counts of one group of files, or the corpus error that stopped them. */
  private record Counts(HashMap<String, Long> counts, String error) implements Serializable {}

  /**
   * Builds (or reuses) the token cache of {@code data} and checks it for {@code context} and the
   * largest trial's {@code maxTokens}.
   *
   * @return null when {@code data} is no document source (synthetic)
   * @throws SpecException when the corpus is unusable (not UTF-8, too small, fewer training tokens
   *     than {@code maxTokens} without {@code data.epochs_allowed})
   */
  public static Result run(
      SparkSession spark,
      DataSpec data,
      int context,
      long maxTokens,
      Configuration hadoop,
      PrintStream console) {
    if (!DataSources.documents(data)) {
      return null;
    }
    long start = System.nanoTime();
    try {
      TokenCache.Location location = TokenCache.locate(data, hadoop);
      if (TokenCache.complete(location, hadoop)) {
        long train = DataSources.checkTokens(data, location, context, maxTokens, hadoop);
        console.printf(
            Locale.ROOT,
            "Token cache: reusing %s (%d training tokens; tokenizer %s)%n",
            location.folder(),
            train,
            data.tokenizer());
        return new Result(location, true, train, 0);
      }
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<List<String>> groups =
          TokenCache.groups(location.files(), Math.max(2, jsc.defaultParallelism() * 2));
      List<Tuple2<Integer, List<String>>> parts = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        parts.add(new Tuple2<>(i, new ArrayList<>(groups.get(i))));
      }
      if (!TokenCache.trainedFileExists(data, location, hadoop)) {
        long t0 = System.nanoTime();
        Counts counts =
            jsc.parallelize(parts, parts.size())
                .map(p -> countWords(data, p._2(), location.single()))
                .reduce(TokenizeJob::merge);
        if (counts.error() != null) {
          throw SpecException.of("data.path", counts.error());
        }
        TokenCache.writeTrained(data, location, counts.counts(), hadoop);
        console.printf(
            Locale.ROOT,
            "Tokenizer %s trained on %d distinct words of the training split in %.1f s: %s%n",
            data.tokenizer(),
            counts.counts().size(),
            (System.nanoTime() - t0) / 1e9,
            TokenCache.trainedFile(data, location));
      }
      List<TokenCache.PartStats> stats =
          new ArrayList<>(
              jsc.parallelize(parts, parts.size())
                  .map(p -> tokenize(data, location, p._1(), p._2()))
                  .collect());
      stats.sort((a, b) -> Integer.compare(a.part(), b.part()));
      for (TokenCache.PartStats s : stats) {
        if (s.error() != null) {
          throw SpecException.of("data.path", s.error());
        }
      }
      TokenCache.writeIndex(data, location, stats, hadoop);
      double seconds = (System.nanoTime() - start) / 1e9;
      long train = DataSources.checkTokens(data, location, context, maxTokens, hadoop);
      long held = stats.stream().mapToLong(s -> s.validation()[0]).sum();
      long bytes = stats.stream().mapToLong(s -> s.train()[1] + s.validation()[1]).sum();
      console.printf(
          Locale.ROOT,
          "Token cache: tokenized %d files (%.1f MB) into %d parts in %.1f s: %d training and %d"
              + " held-out tokens (tokenizer %s) in %s%n",
          location.files().size(),
          bytes / 1e6,
          stats.size(),
          seconds,
          train,
          held,
          data.tokenizer(),
          location.folder());
      return new Result(location, false, train, seconds);
    } catch (IOException e) {
      throw SpecException.of("data.path", e.getMessage());
    }
  }

  private static Configuration executorConf() {
    SparkEnv env = SparkEnv.get();
    return env == null ? new Configuration() : HadoopConfs.fromSparkConf(env.conf());
  }

  private static Counts countWords(DataSpec data, List<String> files, boolean single) {
    try {
      return new Counts(TokenCache.countWords(data, files, single, executorConf()), null);
    } catch (TokenCache.CorpusException e) {
      return new Counts(new HashMap<>(), e.getMessage());
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("UTF-8")) {
        return new Counts(new HashMap<>(), e.getMessage());
      }
      throw new UncheckedIOException(e);
    }
  }

  private static Counts merge(Counts a, Counts b) {
    if (a.error() != null) {
      return a;
    }
    if (b.error() != null) {
      return b;
    }
    Counts big = a.counts().size() >= b.counts().size() ? a : b;
    Counts small = big == a ? b : a;
    for (Map.Entry<String, Long> e : small.counts().entrySet()) {
      big.counts().merge(e.getKey(), e.getValue(), Long::sum);
    }
    return big;
  }

  private static TokenCache.PartStats tokenize(
      DataSpec data, TokenCache.Location location, int part, List<String> files)
      throws IOException {
    return TokenCache.tokenizePart(data, location, part, files, executorConf());
  }

  /**
   * Runs the data source's preflight before Spark starts: the source and tokenizer are registered,
   * the fields the source needs are there, and its files (for text: exist, UTF-8, big enough for
   * one window of the context in each split) are usable. It streams the files; the driver never
   * holds a corpus. A token cache from an earlier sweep gives the exact tokens, so a D above the
   * training split is refused here too.
   */
  public static void preflight(Plan plan, Configuration hadoop) throws IOException {
    DataSpec data = plan.spec().data();
    int context = plan.spec().model().context();
    DataSources.preflight(data, context, hadoop);
    if (DataSources.documents(data)) {
      TokenCache.Location location = TokenCache.locate(data, hadoop);
      if (TokenCache.complete(location, hadoop)) {
        long maxTokens = plan.trials().stream().mapToLong(Trial::tokens).max().orElse(0);
        DataSources.checkTokens(data, location, context, maxTokens, hadoop);
      }
    }
  }

  /**
   * Copies a trained tokenizer's file (bpe merges) from the token cache to {@code OUT/tokenizer/},
   * so the sweep carries the tokenizer its trials used; nothing for other tokenizers.
   */
  public static void copyTrainedTokenizer(
      DataSpec data, Result tokens, String outDir, Configuration hadoop) throws IOException {
    if (tokens == null) {
      return;
    }
    String file = TokenCache.trainedFile(data, tokens.location());
    if (file == null) {
      return;
    }
    String name = file.substring(file.lastIndexOf('/') + 1);
    SweepFiles.writeText(outDir + "/tokenizer/" + name, SweepFiles.readText(file, hadoop), hadoop);
  }
}
