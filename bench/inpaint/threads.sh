#!/bin/sh
# One thread vs two (the kernel worker) on the 2000×1500 / 5 % case, alternating processes.
#   bench/inpaint/threads.sh [PAIRS]   (after bench/inpaint/run.sh has written the cases)
set -eu
cd "$(dirname "$0")/../.."
npm run -s build >/dev/null
node_modules/.bin/esbuild bench/inpaint/threads.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=bench/out/threads.mjs
i=0
while [ "$i" -lt "${1:-3}" ]; do
  RENOVO_THREADS=1 node bench/out/threads.mjs
  node bench/out/threads.mjs
  i=$((i + 1))
done
