#!/bin/sh
# Bundle and run the gan-zopt benchmark (issue 7). Env: ITERS (1500), RESTARTS (16), THREADS (2),
# HELD_OUT (6), REFINE (0: no refinement, only: refinement only), MODEL (models/<name>), OOS (skimage file names), DATA (../shared/data).
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/zopt/bench.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/zopt-bench.mjs
node bench/out/zopt-bench.mjs "$@"
