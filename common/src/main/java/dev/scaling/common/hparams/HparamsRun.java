package dev.scaling.common.hparams;

import dev.scaling.common.spec.SpecException;

/**
 * One training run of a learning-rate x batch-size grid: its model size N (parameters), tokens D,
 * peak learning rate, batch size in tokens per optimizer step, final loss, and optionally a
 * smoothed final loss that ranks the runs instead (StepLaw ranks smoothed training losses). Every
 * value is positive and finite; {@link #builder} names the table's row and columns in its errors.
 *
 * @param id the run's name in reports: a trial id, or the row of a table
 * @param smoothLoss the smoothed loss, or null to rank by {@code loss}
 */
public record HparamsRun(
    String id, double n, double d, double lr, double batchTokens, double loss, Double smoothLoss) {

  public HparamsRun {
    SpecException.require(id != null && !id.isBlank(), "run id", "non-empty", id);
    check("run " + id + ", ", Columns.DEFAULT, n, d, lr, batchTokens, loss, smoothLoss);
  }

  /** The loss the runs of a cell are ranked by: the smoothed loss when given, else the loss. */
  public double rankLoss() {
    return smoothLoss != null ? smoothLoss : loss;
  }

  /** log N. */
  public double logN() {
    return Math.log(n);
  }

  /** log D. */
  public double logD() {
    return Math.log(d);
  }

  /**
   * The names of a table's columns, for error messages: a bad value reads "row 3 (line 4) of t.csv,
   * column learning_rate must be positive and finite, found -0.001".
   *
   * @param smooth the smoothed-loss column, or null when the table has none
   */
  public record Columns(String n, String d, String lr, String batch, String loss, String smooth) {
    /** The plain names: N, D, lr, batch, loss, smooth_loss. */
    public static final Columns DEFAULT =
        new Columns("N", "D", "lr", "batch", "loss", "smooth_loss");

    public Columns {
      SpecException.require(
          n != null && d != null && lr != null && batch != null && loss != null,
          "hparams columns",
          "named (N, D, lr, batch, loss)",
          null);
    }
  }

  private static void check(
      String where,
      Columns c,
      double n,
      double d,
      double lr,
      double batch,
      double loss,
      Double smooth) {
    positive(where, c.n(), n);
    positive(where, c.d(), d);
    positive(where, c.lr(), lr);
    positive(where, c.batch(), batch);
    positive(where, c.loss(), loss);
    if (smooth != null) {
      positive(where, c.smooth() == null ? "smooth_loss" : c.smooth(), smooth);
    }
  }

  private static void positive(String where, String column, double v) {
    SpecException.require(
        v > 0 && Double.isFinite(v), where + "column " + column, "positive and finite", v);
  }

  /** A builder whose errors name {@code columns}. */
  public static Builder builder(Columns columns) {
    return new Builder(columns);
  }

  /** Builds an {@link HparamsRun} by name, checking each value against its column's name. */
  public static final class Builder {
    private final Columns columns;
    private String id;
    private String where;
    private double n = Double.NaN;
    private double d = Double.NaN;
    private double lr = Double.NaN;
    private double batchTokens = Double.NaN;
    private double loss = Double.NaN;
    private Double smoothLoss;

    private Builder(Columns columns) {
      this.columns = columns;
    }

    /** The run's name (default: {@link #where}). */
    public Builder id(String v) {
      id = v;
      return this;
    }

    /** Where the run was read, e.g. "row 3 (line 4) of t.csv", for error messages. */
    public Builder where(String v) {
      where = v;
      return this;
    }

    public Builder n(double v) {
      n = v;
      return this;
    }

    public Builder d(double v) {
      d = v;
      return this;
    }

    public Builder lr(double v) {
      lr = v;
      return this;
    }

    public Builder batchTokens(double v) {
      batchTokens = v;
      return this;
    }

    public Builder loss(double v) {
      loss = v;
      return this;
    }

    public Builder smoothLoss(Double v) {
      smoothLoss = v;
      return this;
    }

    /**
     * The run.
     *
     * @throws SpecException naming the row and the column of a value that is not positive and
     *     finite
     */
    public HparamsRun build() {
      String name = id != null ? id : where;
      check(
          where != null ? where + ", " : name != null ? "run " + name + ", " : "",
          columns,
          n,
          d,
          lr,
          batchTokens,
          loss,
          smoothLoss);
      return new HparamsRun(name, n, d, lr, batchTokens, loss, smoothLoss);
    }
  }
}
