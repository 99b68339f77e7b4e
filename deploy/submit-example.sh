#!/usr/bin/env bash
# The exact spark-submit lines for a sweep; pick the block for your cluster manager.
# SPARK_HOME is a Spark 4.1.x (Scala 2.13) distribution, or deploy/target/spark-home made by
# deploy/local-cluster (jars only; then use the "java ... SparkSubmit" form at the bottom).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_JAR="$ROOT/deploy/target/scaling-sweep-app.jar"
SPEC="${SPEC:-$ROOT/examples/quickstart.yaml}"
OUT="${OUT:-hdfs:///sweeps/quickstart}"
MODE="${1:-standalone}"

case "$MODE" in
  standalone)
    # Client mode: this host runs the driver; executors fetch the app jar from the driver's file server.
    "$SPARK_HOME/bin/spark-submit" \
      --master "${SPARK_MASTER:-spark://master.example:7077}" --deploy-mode client \
      --properties-file "$ROOT/deploy/conf/spark-defaults.standalone.conf" \
      --driver-java-options "-Dai.djl.offline=true" \
      --class dev.scaling.driver.SweepMain \
      "$APP_JAR" run "$SPEC" --out "$OUT"
    ;;
  yarn)
    "$SPARK_HOME/bin/spark-submit" \
      --properties-file "$ROOT/deploy/conf/spark-defaults.yarn.conf" \
      --files "$SPEC" \
      --class dev.scaling.driver.SweepMain \
      "$APP_JAR" run "$(basename "$SPEC")" --out "$OUT"
    ;;
  k8s)
    # The app jar is inside the image; the spec must be readable from the driver pod (HDFS, s3a, ...).
    "$SPARK_HOME/bin/spark-submit" \
      --properties-file "$ROOT/deploy/conf/spark-defaults.k8s.conf" \
      --class dev.scaling.driver.SweepMain \
      local:///opt/spark/jars/scaling-sweep-app.jar run "${SPEC_URI:?a spec URI the driver pod can read}" --out "$OUT"
    ;;
  local-cluster)
    # No Spark distribution: the same SparkSubmit class from the Maven-resolved jars, against
    # deploy/local-cluster. This is what ./sweep does with SWEEP_MASTER set.
    SWEEP_MASTER="$("$ROOT/deploy/local-cluster" status --url)" exec "$ROOT/sweep" run "$SPEC" --out "${OUT_LOCAL:-$ROOT/out/quickstart}"
    ;;
  *)
    echo "usage: $0 standalone|yarn|k8s|local-cluster" >&2; exit 2 ;;
esac
