#!/usr/bin/env bash
# Screenshots one chart of a run's report for the docs: the report's head (ECharts and the glue
# script) with just the chart titled TITLE, opened from disk in headless Chromium, network cut.
#   driver/src/test/scripts/screenshot-chart.sh out/quickstart "Loss vs D for each N, with the fitted law" docs/img/quickstart-report.png
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 OUT_FOLDER CHART_TITLE PNG_FILE" >&2
  exit 2
fi
page="$(mktemp --suffix=.html)"
python3 - "$1/report/index.html" "$2" "$page" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
head = s[: s.index("</head>") + len("</head>")]
start = s.index("<h3>" + sys.argv[2] + "</h3>")
ends = [i for i in (s.find("<h3>", start + 4), s.find("<h2>", start + 4)) if i > 0]
open(sys.argv[3], "w", encoding="utf-8").write(
    head + '<body style="width:900px">' + s[start : min(ends) if ends else len(s)] + "</body></html>")
PY
"${CHROMIUM:-chromium}" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --proxy-server=127.0.0.1:9 --window-size=940,600 --virtual-time-budget=5000 \
  --screenshot="$(realpath -m "$3")" "file://$page" 2>/dev/null
rm -f "$page"
