// Entry point of the `renovo` command (bundled to dist/cli/index.cjs, run by bin/renovo.cjs).
import { main } from './main';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
