#!/bin/sh
# Bundle and run the gan-zopt benchmark (issue 7). Env: ITERS (1500), RESTARTS (16), THREADS (2),
# IN_SAMPLE (3), MODEL (models/<name> or a checkpoint folder), OOS (skimage file names).
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/zopt/bench.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/zopt-bench.mjs
node bench/out/zopt-bench.mjs "$@"
