// `npm start`: opens the desktop app. Electron fetches its binary from its release host on first
// run; where that fails (offline, firewall, Node older than @electron/get's 22.12), say what to do
// instead of leaving the user with Electron's own download error.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const NO_ELECTRON_HELP = [
  '[renovo] The Electron binary is not installed and could not be downloaded.',
  '[renovo] The same editor runs in your browser:  npm run serve   (then open the printed URL)',
  '[renovo] For the desktop app, on a machine that reaches Electron\'s release host (or with',
  '[renovo] ELECTRON_MIRROR set) and Node >= 22.12, run:',
  '[renovo]   npx install-electron --no && RENOVO_ELECTRON_REBUILD=1 npm install && npm start',
].join('\n');

function electronPath() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronPath();
if (!binary) {
  console.error(NO_ELECTRON_HELP);
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
