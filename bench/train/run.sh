#!/bin/sh
# GAN training throughput + peak memory (issue 6). Bundles bench/train/throughput.ts and runs each
# configuration in its own process. Usage: bench/train/run.sh [STEPS] (default 4 timed steps each).
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/train/throughput.ts --bundle --platform=node --format=cjs --packages=external --log-level=warning --outfile=bench/out/train-throughput.cjs
for c in dcgan64-ngf32 reference-ngf32 finetune-ngf32 dcgan64-ngf64; do
  node bench/out/train-throughput.cjs "$c" "${1:-4}"
done
