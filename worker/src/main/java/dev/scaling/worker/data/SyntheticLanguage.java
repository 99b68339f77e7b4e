package dev.scaling.worker.data;

import dev.scaling.common.spec.SyntheticSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded order-k Markov source over {@code vocab} tokens with an exactly known entropy rate, the
 * loss floor no model can beat. Every context (the k previous tokens) has {@code branching}
 * distinct successors drawn without replacement with Zipf({@code zipf}) weights over a random
 * ranking of the vocabulary, so a few tokens and contexts are frequent and many are rare (more data
 * and bigger models keep finding structure); about half of each context's successors come from a
 * set of favourites of its last token, so lower-order statistics are informative too. Successor
 * probabilities are flat-Dirichlet. With probability {@link #RESTART} the next token is instead
 * uniform over the vocabulary, which makes the context chain irreducible and aperiodic (a unique
 * stationary distribution) and is part of the exact entropy rate.
 */
public final class SyntheticLanguage {
  /**
   * Probability that the next token is drawn uniformly instead of from the context's successors.
   */
  public static final double RESTART = 0.01;

  /**
   * Chance that a successor slot of a context is filled from the favourites of the context's last
   * token (else from the Zipf ranking): this back-off structure lets small models and little data
   * learn the bigram level first and the full order-k table later.
   */
  public static final double FAVOURED_SHARE = 0.5;

  private static final int BURN_IN = 1024;
  private static final int CACHE_SIZE = 4;
  private static final Map<Key, SyntheticLanguage> CACHE = new LinkedHashMap<>(8, 0.75f, true);

  private final SyntheticSpec spec;
  private final int vocab;
  private final int order;
  private final int branching;
  private final int contexts;
  private final int suffixes;
  private final int[] successors;
  private final double[] probabilities;
  private final double[] cumulative;
  private final double[] stationary;
  private final double entropyRate;

  private record Key(SyntheticSpec spec, long seed) {}

  /**
   * Builds the language of {@code spec} with structure seed {@code seed}; see {@link #of} for the
   * cached variant.
   */
  public SyntheticLanguage(SyntheticSpec spec, long seed) {
    this.spec = Objects.requireNonNull(spec, "spec");
    vocab = spec.vocab();
    order = spec.order();
    branching = spec.branching();
    contexts = Math.toIntExact(Math.round(Math.pow(vocab, order)));
    suffixes = contexts / vocab;
    successors = new int[contexts * branching];
    probabilities = new double[contexts * branching];
    cumulative = new double[contexts * branching];
    build(new SplittableRandom(seed));
    stationary = stationaryDistribution();
    entropyRate = computeEntropyRate();
  }

  /**
   * The language of ({@code spec}, {@code seed}) from a small per-JVM cache (several trials share
   * it).
   */
  public static SyntheticLanguage of(SyntheticSpec spec, long seed) {
    Key key = new Key(spec, seed);
    synchronized (CACHE) {
      SyntheticLanguage language = CACHE.get(key);
      if (language == null) {
        language = new SyntheticLanguage(spec, seed);
        CACHE.put(key, language);
        if (CACHE.size() > CACHE_SIZE) {
          CACHE.remove(CACHE.keySet().iterator().next());
        }
      }
      return language;
    }
  }

  private void build(SplittableRandom random) {
    int[] ranking = new int[vocab];
    for (int i = 0; i < vocab; i++) {
      ranking[i] = i;
    }
    for (int i = vocab - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = ranking[i];
      ranking[i] = ranking[j];
      ranking[j] = tmp;
    }
    double[] weight = new double[vocab];
    for (int rank = 0; rank < vocab; rank++) {
      weight[ranking[rank]] = Math.pow(rank + 1, -spec.zipf());
    }
    int[][] favoured = new int[vocab][];
    for (int token = 0; token < vocab; token++) {
      favoured[token] = Arrays.copyOf(zipfOrder(weight, random), branching);
    }
    boolean[] chosen = new boolean[vocab];
    for (int ctx = 0; ctx < contexts; ctx++) {
      int[] zipf = zipfOrder(weight, random);
      int[] favourites = favoured[ctx % vocab];
      Arrays.fill(chosen, false);
      int base = ctx * branching;
      int next = 0;
      for (int j = 0; j < branching; j++) {
        int token = -1;
        if (random.nextDouble() < FAVOURED_SHARE) {
          int start = random.nextInt(branching);
          for (int i = 0; i < branching && token < 0; i++) {
            int candidate = favourites[(start + i) % branching];
            if (!chosen[candidate]) {
              token = candidate;
            }
          }
        }
        while (token < 0) {
          if (!chosen[zipf[next]]) {
            token = zipf[next];
          }
          next++;
        }
        chosen[token] = true;
        successors[base + j] = token;
      }
      double total = 0;
      for (int j = 0; j < branching; j++) {
        double gamma = -Math.log(1.0 - random.nextDouble());
        probabilities[base + j] = gamma;
        total += gamma;
      }
      double running = 0;
      for (int j = 0; j < branching; j++) {
        probabilities[base + j] /= total;
        running += probabilities[base + j];
        cumulative[base + j] = running;
      }
      cumulative[base + branching - 1] = 1.0;
    }
  }

  /**
   * A random order of the vocabulary, drawn without replacement with probabilities proportional to
   * {@code weight} (Efraimidis-Spirakis: ascending Exp(1)/w keys).
   */
  private int[] zipfOrder(double[] weight, SplittableRandom random) {
    double[] keys = new double[vocab];
    Integer[] order = new Integer[vocab];
    for (int v = 0; v < vocab; v++) {
      keys[v] = -Math.log(1.0 - random.nextDouble()) / weight[v];
      order[v] = v;
    }
    Arrays.sort(order, (a, b) -> Double.compare(keys[a], keys[b]));
    int[] result = new int[vocab];
    for (int v = 0; v < vocab; v++) {
      result[v] = order[v];
    }
    return result;
  }

  private double[] stationaryDistribution() {
    double[] pi = new double[contexts];
    double[] next = new double[contexts];
    double[] suffixMass = new double[suffixes];
    Arrays.fill(pi, 1.0 / contexts);
    double uniform = RESTART / vocab;
    for (int iteration = 0; iteration < 100_000; iteration++) {
      Arrays.fill(next, 0);
      Arrays.fill(suffixMass, 0);
      for (int ctx = 0; ctx < contexts; ctx++) {
        double mass = pi[ctx];
        int suffix = ctx % suffixes;
        suffixMass[suffix] += mass;
        int shifted = suffix * vocab;
        int base = ctx * branching;
        double kept = mass * (1 - RESTART);
        for (int j = 0; j < branching; j++) {
          next[shifted + successors[base + j]] += kept * probabilities[base + j];
        }
      }
      double diff = 0;
      double total = 0;
      for (int suffix = 0; suffix < suffixes; suffix++) {
        double spread = suffixMass[suffix] * uniform;
        int shifted = suffix * vocab;
        for (int v = 0; v < vocab; v++) {
          next[shifted + v] += spread;
        }
      }
      for (int ctx = 0; ctx < contexts; ctx++) {
        total += next[ctx];
      }
      for (int ctx = 0; ctx < contexts; ctx++) {
        next[ctx] /= total;
        diff += Math.abs(next[ctx] - pi[ctx]);
      }
      double[] tmp = pi;
      pi = next;
      next = tmp;
      if (diff < 1e-13) {
        return pi;
      }
    }
    throw new IllegalStateException("stationary distribution did not converge for " + spec);
  }

  private double computeEntropyRate() {
    double uniform = RESTART / vocab;
    double others = (vocab - branching) * uniform * -Math.log(uniform);
    double rate = 0;
    for (int ctx = 0; ctx < contexts; ctx++) {
      double h = others;
      int base = ctx * branching;
      for (int j = 0; j < branching; j++) {
        double p = (1 - RESTART) * probabilities[base + j] + uniform;
        h -= p * Math.log(p);
      }
      rate += stationary[ctx] * h;
    }
    return rate;
  }

  /** The spec this language was built from. */
  public SyntheticSpec spec() {
    return spec;
  }

  /** Exact entropy rate of the source in nats per token: the lowest achievable expected loss. */
  public double entropyRate() {
    return entropyRate;
  }

  /**
   * Generates {@code n} tokens (as unsigned bytes) after a burn-in, starting from a random context;
   * the same seed always gives the same tokens.
   */
  public byte[] generate(long n, long seed) {
    if (n < 0 || n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("cannot generate " + n + " tokens into one array");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int ctx = random.nextInt(contexts);
    byte[] out = new byte[(int) n];
    for (long i = -BURN_IN; i < n; i++) {
      int token = sample(ctx, random);
      ctx = (ctx % suffixes) * vocab + token;
      if (i >= 0) {
        out[(int) i] = (byte) token;
      }
    }
    return out;
  }

  private int sample(int ctx, SplittableRandom random) {
    if (random.nextDouble() < RESTART) {
      return random.nextInt(vocab);
    }
    double u = random.nextDouble();
    int base = ctx * branching;
    int j = 0;
    while (j < branching - 1 && cumulative[base + j] <= u) {
      j++;
    }
    return successors[base + j];
  }

  /**
   * Probability of {@code token} following the context formed by the {@code order} tokens before
   * it.
   */
  public double probability(int context, int token) {
    int base = context * branching;
    double p = RESTART / vocab;
    for (int j = 0; j < branching; j++) {
      if (successors[base + j] == token) {
        p += (1 - RESTART) * probabilities[base + j];
      }
    }
    return p;
  }

  /**
   * Cross-entropy of {@code tokens} under this source, -mean log p(token | k previous tokens) over
   * every token that has a full context, in nats. Approaches {@link #entropyRate()} for long
   * samples.
   */
  public double crossEntropy(byte[] tokens) {
    if (tokens.length <= order) {
      throw new IllegalArgumentException(
          "need more than " + order + " tokens, found " + tokens.length);
    }
    int ctx = 0;
    for (int i = 0; i < order; i++) {
      ctx = (ctx % suffixes) * vocab + (tokens[i] & 0xFF);
    }
    double sum = 0;
    for (int i = order; i < tokens.length; i++) {
      int token = tokens[i] & 0xFF;
      sum -= Math.log(probability(ctx, token));
      ctx = (ctx % suffixes) * vocab + token;
    }
    return sum / (tokens.length - order);
  }
}
