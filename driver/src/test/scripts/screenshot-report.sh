#!/usr/bin/env bash
# Screenshots a run's report for the docs: opens OUT/report/index.html from disk in headless
# Chromium with its network cut, waits for the charts, and saves the whole page as PNG.
#   driver/src/test/scripts/screenshot-report.sh out/quickstart docs/img/quickstart-report.png
#   driver/src/test/scripts/screenshot-report.sh out/isoflop docs/img/isoflop-report.png
# Paths are relative to the current folder. Needs the modules installed (./sweep build, or
# mvn -o install -DskipTests) and Chromium (CHROMIUM or /usr/bin/chromium).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 OUT_FOLDER PNG_FILE" >&2
  exit 2
fi
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$(dirname "$2")"
png="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
cd "$repo"
mvn -o -B -q test-compile -pl driver
cp_file="$repo/driver/target/test-classpath.txt"
mvn -o -B -q dependency:build-classpath -pl driver -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file"
java -cp "$repo/driver/target/test-classes:$repo/driver/target/classes:$(cat "$cp_file")" \
  dev.scaling.driver.report.ReportPage "$out" "$png"
