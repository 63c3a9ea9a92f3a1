#!/bin/sh
# Bundle the TypeScript benchmark with esbuild and run it (PyTorch reference runs inside it).
# Needs Debian python3-torch for the reference: apt-get install -y python3-torch (or SKIP_TORCH=1).
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/onnx/dcgan-bench.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/onnx-dcgan-bench.mjs
node bench/out/onnx-dcgan-bench.mjs "$@"
