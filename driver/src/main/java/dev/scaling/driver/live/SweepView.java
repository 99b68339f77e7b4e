package dev.scaling.driver.live;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.util.List;

/**
 * A consistent snapshot of a sweep as the Sweep page shows it and {@code /sweep/json} returns it.
 * Numbers that are not known yet are null.
 *
 * @param sweep the sweep's name
 * @param generatedAtMillis driver wall clock of the snapshot
 * @param elapsedSeconds since the driver started watching the sweep
 * @param progress the sweep's totals and ETA
 * @param freshness how old the live values are
 * @param estimate the time estimate printed before training, null when none was made
 * @param fit the current fit, null until enough trials finished
 * @param axes counts per status of the trials at each value of each grid axis that has more than
 *     one value (width, depth, tokens, batch size, learning rate, replica), over the whole sweep
 * @param running every trial and trunk running or retried now, in plan order (at most {@link
 *     #MAX_RUNNING}); {@code page.running_total} counts them all
 * @param page which page of the trial table {@code trials} is and how many rows passed its filters
 * @param trials one page of the trial table: the rows of the plan (trials in plan order, then
 *     trunks reported by tasks) that pass the query's filters, in its order, {@code page.limit} at
 *     most
 * @param curves the learning curves drawn: the running trials' and a sample of the others' across
 *     the grid, each thinned
 */
public record SweepView(
    String sweep,
    long generatedAtMillis,
    double elapsedSeconds,
    Progress progress,
    Freshness freshness,
    Estimate estimate,
    Fit fit,
    List<AxisCounts> axes,
    List<TrialView> running,
    Page page,
    List<TrialView> trials,
    Curves curves) {

  /** Running rows a snapshot lists at most (a sweep runs at most as many as it has slots). */
  public static final int MAX_RUNNING = 1000;

  /**
   * Which page of the trial table a snapshot holds.
   *
   * @param offset rows of the filtered table before this page
   * @param limit rows a page holds at most
   * @param sort the sort key ({@link SweepQuery#SORTS})
   * @param descending whether the order is reversed
   * @param status the statuses shown, empty for all
   * @param q the text filter, empty for none
   * @param matched rows that pass the filters (the page is {@code offset} to {@code offset +
   *     trials.size()} of them)
   * @param total rows of the table unfiltered: the plan's trials and the trunks
   * @param runningTotal rows running or retried now ({@code running} lists at most {@link
   *     #MAX_RUNNING})
   */
  public record Page(
      int offset,
      int limit,
      String sort,
      boolean descending,
      List<String> status,
      String q,
      int matched,
      int total,
      int runningTotal) {
    /** Whether the table shows less than the whole sweep (filtered, or more rows than a page). */
    public boolean partial() {
      return matched < total || offset > 0 || matched > limit;
    }
  }

  /**
   * The trials at each value of one grid axis.
   *
   * @param axis {@code width}, {@code depth}, {@code tokens}, {@code batch_size}, {@code
   *     learning_rate} or {@code replica}
   * @param values one entry per value, in increasing order
   */
  public record AxisCounts(String axis, List<ValueCounts> values) {}

  /**
   * The trials at one value of an axis, by status.
   *
   * @param value the value as text
   * @param trials planned trials with that value
   * @param running running or retried now
   * @param finished committed as finished
   * @param diverged committed as diverged
   * @param failed committed as failed
   */
  public record ValueCounts(
      String value, int trials, int running, int finished, int diverged, int failed) {}

  /**
   * The learning curves of a snapshot: at most {@code limit} of them, the running trials' first,
   * then a sample of the others spread over the grid's (width, depth, tokens) cells; every curve
   * thinned to at most {@code pointsMax} points (its first and last kept).
   *
   * @param shown curves in {@code series}
   * @param of trials (and trunks) that have curve points
   * @param limit the most curves a snapshot holds
   * @param pointsMax the most points a curve holds
   * @param series the curves
   */
  public record Curves(int shown, int of, int limit, int pointsMax, List<CurveSeries> series) {
    /** Whether some curves were left out or thinned away. */
    public boolean sampled() {
      return shown < of;
    }
  }

  /**
   * One trial's (or trunk's) learning curve, as columns: point i is ({@code tokens_at[i]}, {@code
   * train_loss[i]}) with its held-out loss {@code eval_loss[i]} (null where not evaluated). Losses
   * are rounded to 4 decimals.
   *
   * @param id trial or trunk id
   * @param status its status now
   * @param width model width, null outside the plan
   * @param depth layers, null outside the plan
   * @param tokens planned training tokens D, null outside the plan
   * @param stepsAt optimizer steps of the points
   * @param tokensAt training tokens of the points
   * @param trainLoss training losses (null where not reported)
   * @param evalLoss held-out losses (null where not evaluated)
   */
  public record CurveSeries(
      String id,
      String status,
      Integer width,
      Integer depth,
      Long tokens,
      List<Long> stepsAt,
      List<Long> tokensAt,
      List<Double> trainLoss,
      List<Double> evalLoss) {}

  /**
   * The sweep's totals.
   *
   * @param planned trials in the plan
   * @param finished committed as finished
   * @param diverged committed as diverged
   * @param failed committed as failed
   * @param running trials reporting progress now (trunks are counted apart)
   * @param retried trials whose last attempt was lost and that are not running again yet
   * @param trunks trunks of a branching schedule (wsd): each trains up to its last fork in
   *     segments, one per fork, and is no trial; 0 for other schedules
   * @param trunksRunning trunks in flight: a segment is training (or retried), or the next one is
   *     about to start
   * @param trunksFinished trunks that reached their last fork (or whose branches are all committed)
   * @param attemptsLost task attempts that ended without success
   * @param flopsTotal the work of the task graph: 6N x tokens of every trunk up to its last fork,
   *     of every branch's cooldown and of every other trial (6ND over the plan without trunks)
   * @param flopsDone the part of it done: committed trials, the trained share of running ones and
   *     the steps every trunk has reached
   * @param etaSeconds the remaining work at this run's measured FLOP rate, and no less than the
   *     longest remaining chain (a trunk to a fork plus that branch's cooldown) at its trunk's own
   *     measured speed, at least one slot's share of the rate; null before any progress
   */
  public record Progress(
      int planned,
      int finished,
      int diverged,
      int failed,
      int running,
      int retried,
      int trunks,
      int trunksRunning,
      int trunksFinished,
      int attemptsLost,
      double flopsTotal,
      double flopsDone,
      Double etaSeconds) {}

  /**
   * Freshness of the live values: the delay from a step on an executor to its arrival on the driver
   * (executor and driver wall clocks; on one machine they agree). A report reveals the steps taken
   * since the previous report of the trial; their mean delay is taken from the midpoint of the two
   * reports' executor times, their largest from the previous one.
   *
   * @param updates live reports received with new steps
   * @param meanLagSeconds mean delay from a step to the driver, null before the first
   * @param maxLagSeconds largest delay of a step, null before the first
   * @param lastUpdateSecondsAgo since the newest report arrived, null before the first
   * @param heartbeatInterval Spark's {@code spark.executor.heartbeatInterval} as configured
   */
  public record Freshness(
      long updates,
      Double meanLagSeconds,
      Double maxLagSeconds,
      Double lastUpdateSecondsAgo,
      String heartbeatInterval) {}

  /**
   * The time estimate and how it was made.
   *
   * @param seconds estimated wall time of the trials to train
   * @param basis how it was made (a timed probe, a provisional default throughput, refined)
   */
  public record Estimate(double seconds, String basis) {}

  /**
   * The current fit of the laws.
   *
   * @param finishedTrials finished trials it was fitted on
   * @param summary the printed summary (laws, intervals, warnings)
   * @param json the fit's JSON object (laws, parameters, intervals), as {@code sweep fit} writes it
   */
  public record Fit(int finishedTrials, String summary, @JsonRawValue String json) {}

  /**
   * One trial (or trunk) row.
   *
   * @param id trial id or trunk id
   * @param kind {@code trial}, or {@code trunk} for a trunk (or an id the plan does not hold)
   * @param width model width, null for an id outside the plan
   * @param depth layers, null for an id outside the plan
   * @param tokens planned training tokens D (a trunk's up to its last fork), null outside the plan
   * @param flops planned 6ND (a trunk's up to its last fork), null outside the plan
   * @param status planned, running, retried, finished, diverged or failed
   * @param attempt Spark's attempt number of the newest report or commit
   * @param executor executor id, null while planned
   * @param host executor host
   * @param device the device it trains (trained) on
   * @param step optimizer steps done (a trunk's over its whole length, across its segments)
   * @param steps optimizer steps planned (a trunk's: its last fork)
   * @param tokensDone training tokens consumed
   * @param trainLoss latest training loss
   * @param evalLoss latest held-out loss (the final one once committed)
   * @param tokensPerSecond training tokens per second
   * @param etaSeconds the trial's remaining time at its speed, null unless running
   * @param wallSeconds the committed trial's wall time
   * @param updatedSecondsAgo since its newest live report arrived
   * @param curve learning-curve points (only in {@code /sweep/json?trial=ID})
   */
  public record TrialView(
      String id,
      String kind,
      Integer width,
      Integer depth,
      Long tokens,
      Double flops,
      String status,
      int attempt,
      String executor,
      String host,
      String device,
      long step,
      Long steps,
      long tokensDone,
      Double trainLoss,
      Double evalLoss,
      Double tokensPerSecond,
      Double etaSeconds,
      Double wallSeconds,
      Double updatedSecondsAgo,
      List<CurveView> curve) {

    /** A builder for the row of {@code id}; unset fields are null, or 0 for counts. */
    public static Builder builder(String id, String kind) {
      return new Builder(id, kind);
    }

    /**
     * Builds a {@link TrialView} by name, so the rows of planned, live and committed trials list
     * only what they know.
     */
    public static final class Builder {
      private final String id;
      private final String kind;
      private Integer width;
      private Integer depth;
      private Long tokens;
      private Double flops;
      private String status;
      private int attempt;
      private String executor;
      private String host;
      private String device;
      private long step;
      private Long steps;
      private long tokensDone;
      private Double trainLoss;
      private Double evalLoss;
      private Double tokensPerSecond;
      private Double etaSeconds;
      private Double wallSeconds;
      private Double updatedSecondsAgo;
      private List<CurveView> curve;

      private Builder(String id, String kind) {
        this.id = id;
        this.kind = kind;
      }

      public Builder status(String v) {
        status = v;
        return this;
      }

      public Builder attempt(int v) {
        attempt = v;
        return this;
      }

      public Builder executor(String v) {
        executor = v;
        return this;
      }

      public Builder host(String v) {
        host = v;
        return this;
      }

      public Builder device(String v) {
        device = v;
        return this;
      }

      public Builder step(long v) {
        step = v;
        return this;
      }

      public Builder steps(Long v) {
        steps = v;
        return this;
      }

      public Builder tokensDone(long v) {
        tokensDone = v;
        return this;
      }

      public Builder trainLoss(Double v) {
        trainLoss = v;
        return this;
      }

      public Builder evalLoss(Double v) {
        evalLoss = v;
        return this;
      }

      public Builder tokensPerSecond(Double v) {
        tokensPerSecond = v;
        return this;
      }

      public Builder etaSeconds(Double v) {
        etaSeconds = v;
        return this;
      }

      public Builder wallSeconds(Double v) {
        wallSeconds = v;
        return this;
      }

      public Builder updatedSecondsAgo(Double v) {
        updatedSecondsAgo = v;
        return this;
      }

      public Builder curve(List<CurveView> v) {
        curve = v;
        return this;
      }

      /** The planned shape: width, depth, training tokens D and 6ND. */
      public Builder shape(Integer width, Integer depth, Long tokens, Double flops) {
        this.width = width;
        this.depth = depth;
        this.tokens = tokens;
        this.flops = flops;
        return this;
      }

      public TrialView build() {
        return new TrialView(
            id,
            kind,
            width,
            depth,
            tokens,
            flops,
            status,
            attempt,
            executor,
            host,
            device,
            step,
            steps,
            tokensDone,
            trainLoss,
            evalLoss,
            tokensPerSecond,
            etaSeconds,
            wallSeconds,
            updatedSecondsAgo,
            curve);
      }
    }
  }

  /**
   * A learning-curve point.
   *
   * @param step optimizer steps done
   * @param tokens training tokens
   * @param trainLoss training loss, null when not reported
   * @param evalLoss held-out loss, null when not evaluated at that step
   */
  public record CurveView(long step, long tokens, Double trainLoss, Double evalLoss) {}
}
