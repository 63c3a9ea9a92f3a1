// Where the installed app lives. Finds the package root (and through it dist/… and models/) from
// wherever this code runs: bundled into dist/cli, dist/main or dist/worker (where __dirname is
// inside dist/) or from source under Vitest (ESM, no __dirname; the working directory is the
// repository root). Avoids import.meta so it bundles to CJS cleanly.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

declare const __dirname: string | undefined;

function isRepoRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'renovo';
  } catch {
    return false;
  }
}

function walkUp(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isRepoRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The Renovo package root (the folder holding package.json and dist/), or undefined when there is none above this code. */
export function locateAppRoot(): string | undefined {
  const starts: string[] = [];
  if (typeof __dirname === 'string') starts.push(__dirname);
  if (process.argv[1]) starts.push(dirname(process.argv[1]));
  starts.push(process.cwd());
  for (const s of starts) {
    const root = walkUp(s);
    if (root) return root;
  }
  return undefined;
}

/** The Renovo package root (the folder holding package.json and dist/); throws when there is none. */
export function findAppRoot(): string {
  const root = locateAppRoot();
  if (root) return root;
  throw new Error('Cannot locate the Renovo installation (no package.json named "renovo" above this code)');
}

function bundlePath(name: string, envOverride: string, appRoot: () => string | undefined): string | undefined {
  const override = process.env[envOverride];
  if (override) return resolve(override);
  const root = appRoot();
  return root === undefined ? undefined : join(root, 'dist', 'worker', `${name}.cjs`);
}

/**
 * Where the worker bundle `dist/worker/<name>.cjs` is: the file named by the environment variable
 * `envOverride` when that is set (resolved against the working directory), else under the app
 * root. Throws as findAppRoot does when there is neither; does not look whether the file is there
 * (see findWorkerBundle).
 */
export function workerBundle(name: string, envOverride: string): string {
  return bundlePath(name, envOverride, findAppRoot)!;
}

/** workerBundle(name, envOverride) when that file exists; undefined when it does not or there is no app root. */
export function findWorkerBundle(name: string, envOverride: string): string | undefined {
  const p = bundlePath(name, envOverride, locateAppRoot);
  return p !== undefined && existsSync(p) ? p : undefined;
}
