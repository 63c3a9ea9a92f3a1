// Builds everything `npm start`, the `renovo` CLI and the e2e tests run:
//   dist/main/*.cjs     Electron main process (+ the utilityProcess host for heavy work)
//   dist/preload/*.cjs  sandboxed preload (fully bundled: a sandboxed preload cannot require packages)
//   dist/cli/*.cjs      the `renovo` command (also runs `renovo serve`)
//   dist/worker/*.cjs   worker_threads entries: heavy jobs, batch restore, and kernel bands (used by core in the CLI, the bridge and the app)
//   dist/renderer/      the Svelte renderer, built by Vite
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
const watchless = { logLevel: 'warning', sourcemap: true, target: 'node20', platform: 'node', bundle: true };

const nodeBundles = [
  { entryPoints: { index: 'src/main/index.ts', 'core-process': 'src/main/core-process.ts' }, outdir: 'dist/main', external: ['electron'], packages: 'external' },
  { entryPoints: { index: 'src/preload/index.ts' }, outdir: 'dist/preload', external: ['electron'] },
  { entryPoints: { index: 'src/cli/index.ts' }, outdir: 'dist/cli', packages: 'external' },
  { entryPoints: { index: 'src/core/app/workers/job-worker.ts', restore: 'src/core/app/workers/restore-worker.ts', kernels: 'src/core/app/workers/kernel-worker.ts' }, outdir: 'dist/worker', packages: 'external' },
];

const started = Date.now();
await Promise.all(
  nodeBundles.map((b) => esbuild({ ...watchless, ...b, format: 'cjs', outExtension: { '.js': '.cjs' } })),
);
await viteBuild({ configFile: 'vite.renderer.config.ts', logLevel: 'warn' });
console.log(`[renovo] built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
