// Entry point of the `renovo` command (bundled to dist/cli/index.cjs, run by bin/renovo.cjs) and
// its composition root: the one file that puts the two adapters over core/app together, the CLI
// (./main) and the web bridge `renovo serve` starts (src/server). Nothing else in src/cli imports
// src/server (the layer rule in .dependency-cruiser.cjs), and this file imports nothing of core.
import { startServer } from '../server';
import { main } from './main';

// Hold the event loop open until main() settles: a command must always end with its own exit
// status. Work that finishes through unref'd handles (idle job workers being terminated after a
// cancellation) could otherwise let the loop drain first, and Node would exit with status 0 without
// the command's message. A second Ctrl+C still exits at once.
const keepAlive = setInterval(() => undefined, 2 ** 30);

void main(process.argv.slice(2), { startServer }).then((code) => {
  process.exitCode = code;
  clearInterval(keepAlive);
});
