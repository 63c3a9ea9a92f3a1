#!/usr/bin/env bash
# Bundle the standalone GAN trainer (bench/train/standalone.ts) to a CJS file outside the source
# tree and run it with the given arguments. Usage: scripts/train-gan.sh OUT.cjs [trainer args...]
# (OUT.cjs is rebuilt only when missing, so a long background run keeps the code it started with).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"; shift
if [ ! -f "$out" ]; then
  "$here/node_modules/.bin/esbuild" "$here/bench/train/standalone.ts" --bundle --platform=node --format=cjs --target=node20 \
    --external:onnxruntime-node --external:sharp --external:better-sqlite3 --outfile="$out" --log-level=warning
fi
exec env NODE_PATH="$here/node_modules" node "$out" "$@"
