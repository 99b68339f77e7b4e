#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as Spark's resource JSON,
#   {"name":"gpu","addresses":["0","1",...]}
# Point spark.worker.resource.gpu.discoveryScript (standalone workers) or
# spark.executor.resource.gpu.discoveryScript (YARN, Kubernetes) at it.
# Addresses are nvidia-smi's GPU indices, which is what CUDA (and so DJL's Device.gpu(i)) uses when
# CUDA_DEVICE_ORDER=PCI_BUS_ID. When CUDA_VISIBLE_DEVICES restricts the GPUs (a container, a YARN
# cgroup), the visible ones are renumbered 0..n-1 and that numbering is reported instead.
# No nvidia-smi or no GPU: reports an empty address list (Spark then refuses to start an executor
# that asks for GPUs, which is the intended loud failure).
set -euo pipefail
addresses=()
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [ "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]; then
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  for i in "${!visible[@]}"; do addresses+=("$i"); done
elif command -v nvidia-smi > /dev/null 2>&1; then
  while IFS= read -r idx; do
    idx="${idx//[[:space:]]/}"
    [ -n "$idx" ] && addresses+=("$idx")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
json=""
for a in "${addresses[@]+"${addresses[@]}"}"; do json+="${json:+,}\"$a\""; done
printf '{"name":"gpu","addresses":[%s]}\n' "$json"
