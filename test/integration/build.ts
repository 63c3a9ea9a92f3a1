// The integration tests run the bundled CLI and worker (dist/cli, dist/worker). `npm test` builds
// them first; when they are missing (e.g. `vitest run` straight after a checkout) we bundle just
// those two entries with the same esbuild settings as scripts/build.mjs.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const ROOT = process.cwd();
export const CLI_BUNDLE = join(ROOT, 'dist', 'cli', 'index.cjs');
export const WORKER_BUNDLE = join(ROOT, 'dist', 'worker', 'index.cjs');
export const BIN = join(ROOT, 'bin', 'renovo.cjs');

/** Bundles one entry to a temporary file and renames it into place, so parallel test files never see half a bundle. */
async function bundle(entry: string, outfile: string): Promise<void> {
  const tmp = `${outfile}.${process.pid}.tmp`;
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: [join(ROOT, entry)], outfile: tmp });
  renameSync(tmp, outfile);
}

export async function ensureBuilt(): Promise<void> {
  const jobs: Promise<void>[] = [];
  if (!existsSync(CLI_BUNDLE)) jobs.push(bundle('src/cli/index.ts', CLI_BUNDLE));
  if (!existsSync(WORKER_BUNDLE)) jobs.push(bundle('src/core/app/workers/job-worker.ts', WORKER_BUNDLE));
  await Promise.all(jobs);
}
