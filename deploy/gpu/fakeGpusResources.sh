#!/usr/bin/env bash
# Fake GPU discovery for tests and laptops: reports SWEEP_FAKE_GPUS (comma-separated addresses,
# default "0,1") as Spark's resource JSON. Lets Spark's GPU scheduling (task slots per address,
# stage-level resource profiles) be exercised without a GPU; trials then need
# spark.sweep.gpu.allowCpuFallback=true because CUDA is not usable.
set -euo pipefail
IFS=',' read -r -a ids <<< "${SWEEP_FAKE_GPUS:-0,1}"
json=""
for a in "${ids[@]}"; do json+="${json:+,}\"$a\""; done
printf '{"name":"gpu","addresses":[%s]}\n' "$json"
