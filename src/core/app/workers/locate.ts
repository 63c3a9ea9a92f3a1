// The app's job worker bundle (job-worker.ts), found under the app root (see platform/paths.ts).
import { join, resolve } from 'node:path';
import { findAppRoot } from '../../platform/paths';

/** Absolute path of the worker bundle, `dist/worker/index.cjs`; RENOVO_WORKER overrides it. */
export function jobWorkerPath(): string {
  const override = process.env.RENOVO_WORKER;
  if (override) return resolve(override);
  return join(findAppRoot(), 'dist', 'worker', 'index.cjs');
}
