package dev.scaling.worker.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains byte-level BPE merges from word counts: repeatedly merges the most frequent adjacent pair
 * of symbols (ties to the smaller left id, then the smaller right id), updating pair counts
 * incrementally in the words that hold the pair. The result depends only on the counts, so it is
 * the same whatever order or partitioning produced them.
 */
final class BpeTrainer {
  private BpeTrainer() {}

  /**
   * Up to {@code merges} merges for {@code counts} (fewer when no pair occurs twice... or at all).
   *
   * @return merge i as {@code {left id, right id}}; its id is 256 + i
   */
  static int[][] train(Map<String, Long> counts, int merges) {
    // Words in a fixed order, so the bookkeeping (not the result) is reproducible too.
    Map<String, Long> sorted = new TreeMap<>(counts);
    int n = sorted.size();
    int[][] words = new int[n][];
    long[] freq = new long[n];
    int w = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] seq = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        seq[i] = bytes[i] & 0xFF;
      }
      words[w] = seq;
      freq[w] = e.getValue();
      w++;
    }
    Map<Long, Long> pairCounts = new HashMap<>();
    Map<Long, Set<Integer>> where = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int[] seq = words[i];
      for (int j = 0; j + 1 < seq.length; j++) {
        long k = BpeTokenizer.key(seq[j], seq[j + 1]);
        pairCounts.merge(k, freq[i], Long::sum);
        where.computeIfAbsent(k, x -> new HashSet<>()).add(i);
      }
    }
    // Max count first, then the smaller pair key; stale entries are skipped when popped.
    PriorityQueue<long[]> queue =
        new PriorityQueue<>(
            (x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
    for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
      queue.add(new long[] {e.getValue(), e.getKey()});
    }
    List<int[]> out = new ArrayList<>();
    while (out.size() < merges && !queue.isEmpty()) {
      long[] top = queue.poll();
      long current = pairCounts.getOrDefault(top[1], 0L);
      if (current != top[0] || current <= 0) {
        continue;
      }
      int a = (int) (top[1] >>> 32);
      int b = (int) top[1];
      int id = 256 + out.size();
      out.add(new int[] {a, b});
      Set<Integer> holders = where.remove(top[1]);
      Set<Long> changed = new HashSet<>();
      for (int i : holders) {
        int[] seq = words[i];
        for (int j = 0; j + 1 < seq.length; j++) {
          long k = BpeTokenizer.key(seq[j], seq[j + 1]);
          pairCounts.merge(k, -freq[i], Long::sum);
          changed.add(k);
        }
        int[] merged = new int[seq.length];
        int m = 0;
        for (int j = 0; j < seq.length; j++) {
          if (j + 1 < seq.length && seq[j] == a && seq[j + 1] == b) {
            merged[m++] = id;
            j++;
          } else {
            merged[m++] = seq[j];
          }
        }
        seq = java.util.Arrays.copyOf(merged, m);
        words[i] = seq;
        for (int j = 0; j + 1 < seq.length; j++) {
          long k = BpeTokenizer.key(seq[j], seq[j + 1]);
          pairCounts.merge(k, freq[i], Long::sum);
          where.computeIfAbsent(k, x -> new HashSet<>()).add(i);
          changed.add(k);
        }
      }
      pairCounts.remove(top[1]);
      changed.remove(top[1]);
      for (long k : changed) {
        long c = pairCounts.getOrDefault(k, 0L);
        if (c > 0) {
          queue.add(new long[] {c, k});
        } else {
          pairCounts.remove(k);
        }
      }
    }
    return out.toArray(new int[0][]);
  }
}
