#!/usr/bin/env bash
# Export a GAN training checkpoint as a shipped model folder models/<name>/ (fp16 G/D safetensors,
# standalone generator.onnx, sample.png, manifest.json, README.md). Run from the repository root:
#   scripts/ship-model.sh --checkpoint RUN_OR_CHECKPOINT_DIR --name NAME --data-folder ../shared/data/X \
#     --data-description TEXT --description-file FILE [--parent NAME]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)/ship-model.cjs"
"$here/node_modules/.bin/esbuild" "$here/bench/train/ship-model.ts" --bundle --platform=node --format=cjs --target=node20 \
  --external:onnxruntime-node --external:sharp --external:better-sqlite3 --external:protobufjs --outfile="$out" --log-level=warning
cd "$here"
exec env NODE_PATH="$here/node_modules" node "$out" "$@"
