#!/bin/sh
# Editor benchmarks in Debian's Chromium against `renovo serve` (needs `npm run build` first):
# brush stroke frame time on a 24-megapixel photo, and open → first painted preview.
set -e
cd "$(dirname "$0")/../.."
mkdir -p bench/out
npx esbuild bench/editor/bench.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/editor-bench.mjs
node bench/out/editor-bench.mjs "$@"
