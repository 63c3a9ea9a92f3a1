// Entry point of the `renovo` command (bundled to dist/cli/index.cjs, run by bin/renovo.cjs).
import { main } from './main';

// Hold the event loop open until main() settles: a command must always end with its own exit
// status. Work that finishes through unref'd handles (idle job workers being terminated after a
// cancellation) could otherwise let the loop drain first, and Node would exit with status 0 without
// the command's message. A second Ctrl+C still exits at once.
const keepAlive = setInterval(() => undefined, 2 ** 30);

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  clearInterval(keepAlive);
});
