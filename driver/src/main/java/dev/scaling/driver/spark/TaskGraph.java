package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.driver.plan.Trunks;
import dev.scaling.worker.Checkpoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The work a wsd run still has to do, as a graph: per trunk a chain of segment nodes (one per fork
 * step still needed, resuming from the trunk's newest checkpoint) and the branch nodes already
 * runnable (their fork is checkpointed). Nodes come out of {@link #ready} highest critical path
 * first, then by descending cost. Built and consumed by {@link GraphRunner} on the driver's
 * scheduling thread; not thread-safe.
 */
final class TaskGraph {
  /** Runnable nodes, best first. */
  final PriorityQueue<Node> ready =
      new PriorityQueue<>(
          Comparator.comparingDouble(Node::criticalPath)
              .reversed()
              .thenComparing(Comparator.comparingDouble(Node::cost).reversed())
              .thenComparing(Node::key));

  /** Every task the graph will run (segments and branches). */
  int totalTasks;

  /** 6N x tokens of the pending branches trained as independent runs. */
  double independentFlops;

  /** Estimated FLOPs of every task the graph will run: its segments and its branches' cooldowns. */
  double totalFlops;

  private TaskGraph() {}

  /** A task of the graph, waiting or running. */
  sealed interface Node permits SegmentNode, BranchNode {
    /** Estimated FLOPs of this task. */
    double cost();

    /** Estimated FLOPs of the longest chain of tasks starting with this one. */
    double criticalPath();

    /** A stable tie-break. */
    String key();
  }

  /** A trunk segment with its successors: the branches forking at its end and the next segment. */
  static final class SegmentNode implements Node {
    final Trunk trunk;
    final long fromStep;
    final long stopStep;
    final List<Trial> forks;
    SegmentNode next;
    double criticalPath;

    SegmentNode(Trunk trunk, long fromStep, long stopStep, List<Trial> forks) {
      this.trunk = trunk;
      this.fromStep = fromStep;
      this.stopStep = stopStep;
      this.forks = forks;
    }

    @Override
    public double cost() {
      return trunk.flopsPerStep() * (stopStep - fromStep);
    }

    @Override
    public double criticalPath() {
      return criticalPath;
    }

    @Override
    public String key() {
      return trunk.trunkId() + "@" + stopStep;
    }
  }

  /** A branch: its cooldown from {@code fromStep} (its fork, or a later checkpoint) to its end. */
  record BranchNode(Trial trial, long fromStep) implements Node {
    @Override
    public double cost() {
      return Trunk.flopsPerStep(trial) * (trial.steps() - fromStep);
    }

    @Override
    public double criticalPath() {
      return cost();
    }

    @Override
    public String key() {
      return trial.trialId();
    }
  }

  /**
   * The graph of the branches {@code todo} (branched trials of {@code plan} without a commit) and
   * the trunk segments they still need. Clears checkpoints nothing will resume: those of committed
   * branches and of trunks whose branches are all committed.
   */
  static TaskGraph build(Plan plan, List<Trial> todo, Checkpoints store) throws IOException {
    TaskGraph graph = new TaskGraph();
    Set<String> todoIds = new HashSet<>();
    todo.forEach(t -> todoIds.add(t.trialId()));
    for (Trunk trunk : Trunks.of(plan.trials())) {
      List<Trial> pending =
          trunk.branches().stream().filter(b -> todoIds.contains(b.trialId())).toList();
      for (Trial b : trunk.branches()) {
        if (!todoIds.contains(b.trialId())) {
          store.clear(b.trialId()); // committed, but the driver died before its task cleaned up
        }
      }
      if (pending.isEmpty()) {
        store.clear(trunk.trunkId()); // every branch committed: the trunk is never trained again
        continue;
      }
      Map<Long, List<Trial>> needFork = new TreeMap<>();
      for (Trial b : pending) {
        graph.independentFlops += 6.0 * b.nParams() * b.tokensTrained();
        long saved = store.newestStep(b.trialId());
        if (saved >= b.forkStep()) {
          BranchNode node = new BranchNode(b, saved);
          graph.ready.add(node);
          graph.totalTasks++;
          graph.totalFlops += node.cost();
        } else {
          needFork.computeIfAbsent(b.forkStep(), k -> new ArrayList<>()).add(b);
          graph.totalFlops += new BranchNode(b, b.forkStep()).cost();
        }
      }
      long at = Math.max(0, store.newestStep(trunk.trunkId()));
      SegmentNode first = null;
      SegmentNode previous = null;
      for (Map.Entry<Long, List<Trial>> fork : needFork.entrySet()) {
        long from = at <= fork.getKey() ? at : 0; // a trunk checkpoint past the fork is no use
        SegmentNode node = new SegmentNode(trunk, from, fork.getKey(), fork.getValue());
        graph.totalTasks += 1 + fork.getValue().size();
        graph.totalFlops += node.cost();
        if (previous == null) {
          first = node;
        } else {
          previous.next = node;
        }
        previous = node;
        at = fork.getKey();
      }
      if (first != null) {
        criticalPaths(first);
        graph.ready.add(first);
      }
    }
    return graph;
  }

  /** Estimated critical paths of a trunk's chain of segments, from its last segment back. */
  private static void criticalPaths(SegmentNode first) {
    List<SegmentNode> chain = new ArrayList<>();
    for (SegmentNode s = first; s != null; s = s.next) {
      chain.add(s);
    }
    double after = 0;
    for (int i = chain.size() - 1; i >= 0; i--) {
      SegmentNode s = chain.get(i);
      double branch =
          s.forks.stream().mapToDouble(b -> new BranchNode(b, s.stopStep).cost()).max().orElse(0);
      s.criticalPath = s.cost() + Math.max(branch, after);
      after = s.criticalPath;
    }
  }
}
