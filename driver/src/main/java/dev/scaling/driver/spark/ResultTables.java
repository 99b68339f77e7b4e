package dev.scaling.driver.spark;

import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.driver.predict.PredictedBranch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The sweep's Parquet tables: {@code OUT/trials} (one row per trial) and {@code OUT/curves} (one
 * row per learning-curve point). A trial's {@code batch_size} is sequences per optimizer step and
 * its {@code batch_tokens} that times the context (tokens per step); {@code grad_noise_scale}
 * (tokens) is null in both tables where the trial did not measure it. Column names are the public
 * contract read by {@code ./sweep fit}, notebooks and the tests' independent reader.
 */
public final class ResultTables {
  private ResultTables() {}

  /** Schema of {@code OUT/trials}. */
  public static final StructType TRIALS =
      new StructType(
          new StructField[] {
            field("trial_id", DataTypes.StringType, false),
            field("run_id", DataTypes.StringType, false),
            field("sweep", DataTypes.StringType, false),
            field("width", DataTypes.IntegerType, false),
            field("depth", DataTypes.IntegerType, false),
            field("heads", DataTypes.IntegerType, false),
            field("context", DataTypes.IntegerType, false),
            field("vocab", DataTypes.IntegerType, false),
            field("n_params", DataTypes.LongType, false),
            field("n_params_total", DataTypes.LongType, false),
            field("tokens", DataTypes.LongType, false),
            field("tokens_trained", DataTypes.LongType, false),
            field("flops", DataTypes.DoubleType, false),
            field("tokens_per_param", DataTypes.DoubleType, false),
            field("steps", DataTypes.LongType, false),
            field("batch_size", DataTypes.IntegerType, false),
            field("batch_tokens", DataTypes.LongType, false),
            field("learning_rate", DataTypes.DoubleType, false),
            field("seed", DataTypes.LongType, false),
            field("replica", DataTypes.IntegerType, false),
            field("final_train_loss", DataTypes.DoubleType, true),
            field("final_eval_loss", DataTypes.DoubleType, true),
            field("entropy_floor", DataTypes.DoubleType, true),
            field("status", DataTypes.StringType, false),
            field("error", DataTypes.StringType, true),
            field("wall_seconds", DataTypes.DoubleType, false),
            field("tokens_per_second", DataTypes.DoubleType, false),
            field("executor_id", DataTypes.StringType, true),
            field("host", DataTypes.StringType, true),
            field("device", DataTypes.StringType, true),
            field("attempt", DataTypes.IntegerType, false),
            field("resumed_from_step", DataTypes.LongType, false),
            field("app_version", DataTypes.StringType, true),
            field("djl_version", DataTypes.StringType, true),
            field("libtorch_version", DataTypes.StringType, true),
            field("java_version", DataTypes.StringType, true),
            field("os_arch", DataTypes.StringType, true),
            field("intra_op_threads", DataTypes.IntegerType, true),
            field("budget", DataTypes.DoubleType, true),
            field("schedule", DataTypes.StringType, false),
            field("trunk_id", DataTypes.StringType, true),
            field("fork_tokens", DataTypes.LongType, true),
            field("cooldown_tokens", DataTypes.LongType, true),
            field("eval_bits_per_byte", DataTypes.DoubleType, true),
            field("epochs", DataTypes.DoubleType, true),
            field("eval_loss_stderr", DataTypes.DoubleType, true),
            field("grad_noise_scale", DataTypes.DoubleType, true),
            field("parametrization", DataTypes.StringType, true),
            field("predicted_loss_low", DataTypes.DoubleType, true),
            field("predicted_loss_high", DataTypes.DoubleType, true),
            field("trainer", DataTypes.StringType, true)
          });

  /** Schema of {@code OUT/curves}. */
  public static final StructType CURVES =
      new StructType(
          new StructField[] {
            field("trial_id", DataTypes.StringType, false),
            field("step", DataTypes.LongType, false),
            field("tokens", DataTypes.LongType, false),
            field("lr", DataTypes.DoubleType, false),
            field("train_loss", DataTypes.DoubleType, true),
            field("eval_loss", DataTypes.DoubleType, true),
            field("eval_bits_per_byte", DataTypes.DoubleType, true),
            field("trunk_id", DataTypes.StringType, true),
            field("grad_noise_scale", DataTypes.DoubleType, true)
          });

  /**
   * One trials-table row. Non-finite losses are written as null so readers never see NaN; the
   * provenance columns are null for commits written before provenance was recorded.
   */
  public static Row trialRow(TrialOutcome o) {
    Trial t = o.trial();
    TrialResult r = o.result();
    Provenance p = o.provenance();
    return RowFactory.create(
        t.trialId(),
        o.runId(),
        t.sweepName(),
        t.width(),
        t.depth(),
        t.heads(),
        t.context(),
        t.vocab(),
        t.nParams(),
        t.nParamsTotal(),
        t.tokens(),
        r.tokensTrained(),
        t.flops(),
        t.tokensPerParam(),
        t.steps(),
        t.training().batchSize(),
        t.tokensPerStep(),
        t.training().learningRate(),
        t.seed(),
        t.replica(),
        finiteOrNull(r.finalTrainLoss()),
        finiteOrNull(r.finalEvalLoss()),
        r.entropyFloor(),
        r.status().label(),
        r.error(),
        r.wallSeconds(),
        r.tokensPerSecond(),
        o.executorId(),
        o.host(),
        r.device(),
        o.attempt(),
        r.resumedFromStep(),
        p == null ? null : p.appVersion(),
        p == null ? null : p.djlVersion(),
        p == null ? null : p.libtorchVersion(),
        p == null ? null : p.javaVersion(),
        p == null ? null : p.osArch(),
        p == null ? null : p.intraOpThreads(),
        t.budget(),
        t.training().schedule(),
        t.trunkId(),
        t.branched() ? t.forkStep() * t.tokensPerStep() : null,
        t.branched() ? (t.steps() - t.forkStep()) * t.tokensPerStep() : null,
        finiteOrNull(r.bitsPerByte(r.finalEvalLoss())),
        r.epochs(),
        r.evalLossStderr(),
        finiteOrNull(r.gradNoiseScale()),
        ParametrizationSpec.labelOf(t.parametrization()),
        null,
        null,
        p == null ? Provenance.TRAINER_DJL : p.trainer());
  }

  /**
   * The trials-table row of a predicted branch: the grid point's own columns, {@code status}
   * {@value PredictedBranch#STATUS}, the prediction in {@code final_eval_loss} and its 95% interval
   * in {@code predicted_loss_low} and {@code predicted_loss_high}; nothing trained (tokens trained,
   * wall time, throughput and attempt 0; no executor, device, train loss or {@code
   * eval_loss_stderr}).
   *
   * @param runId the run that derived it
   * @param entropyFloor the source's floor (from the model's trained branches), null if unknown
   */
  public static Row predictedRow(PredictedBranch p, String runId, Double entropyFloor) {
    Trial t = p.trial();
    return RowFactory.create(
        t.trialId(),
        runId,
        t.sweepName(),
        t.width(),
        t.depth(),
        t.heads(),
        t.context(),
        t.vocab(),
        t.nParams(),
        t.nParamsTotal(),
        t.tokens(),
        0L,
        t.flops(),
        t.tokensPerParam(),
        t.steps(),
        t.training().batchSize(),
        t.tokensPerStep(),
        t.training().learningRate(),
        t.seed(),
        t.replica(),
        null,
        p.loss(),
        entropyFloor,
        PredictedBranch.STATUS,
        null,
        0.0,
        0.0,
        null,
        null,
        null,
        0,
        0L,
        TrialProvenance.appVersion(),
        null,
        null,
        System.getProperty("java.version"),
        System.getProperty("os.arch"),
        null,
        t.budget(),
        t.training().schedule(),
        t.trunkId(),
        t.branched() ? t.forkStep() * t.tokensPerStep() : null,
        t.branched() ? (t.steps() - t.forkStep()) * t.tokensPerStep() : null,
        null,
        null,
        null,
        null,
        ParametrizationSpec.labelOf(t.parametrization()),
        p.low(),
        p.high(),
        null);
  }

  /**
   * The learning-curve rows of one outcome: every point, or for a branch of a trunk only the points
   * after its fork (the points before it are the trunk's, see {@link #trunkCurveRows}).
   */
  public static List<Row> curveRows(TrialOutcome o) {
    Trial t = o.trial();
    long after = t.branched() ? t.forkStep() : -1;
    List<Row> rows = new ArrayList<>(o.result().curve().size());
    for (CurvePoint p : o.result().curve()) {
      if (p.step() > after) {
        rows.add(curveRow(t.trialId(), t.trunkId(), p, o.result()));
      }
    }
    return rows;
  }

  /**
   * The curve rows of every trunk among {@code outcomes}, under the trunk's id: the constant
   * learning-rate run up to the furthest fork of a committed branch (any branch's curve before its
   * fork is the trunk's, bit for bit).
   */
  public static List<Row> trunkCurveRows(List<TrialOutcome> outcomes) {
    Map<String, TrialOutcome> furthest = new LinkedHashMap<>();
    for (TrialOutcome o : outcomes) {
      Trial t = o.trial();
      if (t.branched() && o.result().resumedFromStep() >= t.forkStep()) {
        furthest.merge(
            t.trunkId(), o, (a, b) -> b.trial().forkStep() > a.trial().forkStep() ? b : a);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (TrialOutcome o : furthest.values()) {
      Trial t = o.trial();
      for (CurvePoint p : o.result().curve()) {
        if (p.step() <= t.forkStep()) {
          rows.add(curveRow(t.trunkId(), t.trunkId(), p, o.result()));
        }
      }
    }
    return rows;
  }

  private static Row curveRow(String id, String trunkId, CurvePoint p, TrialResult r) {
    return RowFactory.create(
        id,
        p.step(),
        p.tokens(),
        p.lr(),
        finiteOrNull(p.trainLoss()),
        finiteOrNull(p.evalLoss()),
        finiteOrNull(r.bitsPerByte(p.evalLoss())),
        trunkId,
        finiteOrNull(p.gradNoiseScale()));
  }

  /** Writes both tables under {@code outDir} (any Hadoop FS URI), replacing earlier versions. */
  public static void write(SparkSession spark, List<TrialOutcome> outcomes, String outDir) {
    write(spark, outcomes, List.of(), null, outDir);
  }

  /**
   * Writes both tables, the trials table with a row per predicted branch after the trained ones
   * (derived by run {@code runId}; a predicted branch trained as a check has both rows).
   */
  public static void write(
      SparkSession spark,
      List<TrialOutcome> outcomes,
      List<PredictedBranch> predicted,
      String runId,
      String outDir) {
    List<Row> trials = new ArrayList<>(outcomes.size() + predicted.size());
    List<Row> curves = new ArrayList<>();
    Map<String, Double> floors = new HashMap<>();
    for (TrialOutcome o : outcomes) {
      trials.add(trialRow(o));
      curves.addAll(curveRows(o));
      if (o.trial().trunkId() != null && o.result().entropyFloor() != null) {
        floors.put(o.trial().trunkId(), o.result().entropyFloor());
      }
    }
    for (PredictedBranch p : predicted) {
      trials.add(predictedRow(p, runId, floors.get(p.trial().trunkId())));
    }
    curves.addAll(trunkCurveRows(outcomes));
    spark
        .createDataFrame(trials, TRIALS)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(outDir + "/trials");
    spark
        .createDataFrame(curves, CURVES)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(outDir + "/curves");
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Double finiteOrNull(Double v) {
    return v == null ? null : finiteOrNull(v.doubleValue());
  }

  private static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }
}
