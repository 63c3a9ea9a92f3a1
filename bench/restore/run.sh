#!/bin/sh
# Batch restoration benchmark (issue 8). From the repository root:
#   bench/restore/run.sh [RUNS] [detect|throughput|memory]
#   DETECTOR=classical bench/restore/run.sh 3 throughput  the batch with the classical damage detector alone
#   (default: the learned one, as a new batch)
# Generates synthetic scans under bench/out/restore/ (git-ignored), bundles the worker and the
# drivers with esbuild, runs, and writes bench/out/restore/result.json.
set -eu
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
ONLY="${2:-}"
OUT=bench/out/restore
mkdir -p "$OUT"
B="node_modules/.bin/esbuild --bundle --platform=node --packages=external --log-level=warning"
$B --format=cjs src/core/app/workers/restore-worker.ts --outfile="$OUT/restore-worker.cjs"
$B --format=esm bench/restore/gen.ts --outfile="$OUT/gen.mjs"
$B --format=esm bench/restore/mem.ts --outfile="$OUT/mem.mjs"
$B --format=esm bench/restore/bench.ts --outfile="$OUT/bench.mjs"
if [ ! -f "$OUT/scans/scan_011.jpg" ] || [ ! -f "$OUT/big/scan_50mp.jpg" ]; then
  echo "== generating 12 synthetic 3000x2000 scans and one 50 MP scan"
  rm -rf "$OUT/scans" "$OUT/big"
  node --max-old-space-size=8192 "$OUT/gen.mjs" "$OUT/scans" 12 "$OUT/big"
fi
node "$OUT/bench.mjs" "$OUT" "$RUNS" $ONLY | tee "$OUT/result.log"
