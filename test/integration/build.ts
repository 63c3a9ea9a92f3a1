// The integration tests run the bundled CLI and worker (dist/cli, dist/worker). `npm test` builds
// them first; when they are missing (e.g. `vitest run` straight after a checkout) we bundle just
// those two entries with the same esbuild settings as scripts/build.mjs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const ROOT = process.cwd();
export const CLI_BUNDLE = join(ROOT, 'dist', 'cli', 'index.cjs');
export const WORKER_BUNDLE = join(ROOT, 'dist', 'worker', 'index.cjs');
export const BIN = join(ROOT, 'bin', 'renovo.cjs');

export async function ensureBuilt(): Promise<void> {
  const jobs: Promise<unknown>[] = [];
  const common = { bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', sourcemap: true } as const;
  if (!existsSync(CLI_BUNDLE)) jobs.push(build({ ...common, entryPoints: [join(ROOT, 'src/cli/index.ts')], outfile: CLI_BUNDLE }));
  if (!existsSync(WORKER_BUNDLE)) jobs.push(build({ ...common, entryPoints: [join(ROOT, 'src/core/jobs/worker.ts')], outfile: WORKER_BUNDLE }));
  await Promise.all(jobs);
}
