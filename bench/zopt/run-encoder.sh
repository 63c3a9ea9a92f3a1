#!/bin/sh
# Bundle and run the z-encoder benchmark (issue 17): cold (1500 × 16) vs warm (encoder + ≤ 100
# iterations) z-search on held-out landscapes. Env: MODE (cold | warm | report), HOLES (24),
# COLD_HOLES (all), THREADS (2), MODEL (models/landscape-dcgan64), OUT, OOS, DATA (../shared/data).
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/zopt/encoder.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/zopt-encoder-bench.mjs
node bench/out/zopt-encoder-bench.mjs "$@"
