// Rebuilding native modules (better-sqlite3, sharp, onnxruntime-node) against Electron's ABI needs
// Electron's headers, which are downloaded from outside the npm registry. That is impossible on
// machines that reach only the registry (CI, the build farm), so it is opt-in:
//   RENOVO_ELECTRON_REBUILD=1 npm install      (or: npm run rebuild:electron)
// Without it, native modules are built for Node, which is what the CLI, `renovo serve` and the
// tests use.
import { spawnSync } from 'node:child_process';

if (process.env.RENOVO_ELECTRON_REBUILD === '1') {
  const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.warn('[renovo] electron-builder install-app-deps failed; the desktop app may not load native modules.');
    console.warn('[renovo] The CLI and `renovo serve` are unaffected. See README → Troubleshooting.');
  }
}
