// Where the worker bundles are: dist/worker/<name>.cjs under the app root, or an environment override.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findAppRoot, findWorkerBundle, workerBundle } from './paths';

const ENV = 'RENOVO_TEST_WORKER_BUNDLE';

afterEach(() => {
  delete process.env[ENV];
});

describe('worker bundles', () => {
  it('are dist/worker/<name>.cjs under the repository root when run from source', () => {
    expect(findAppRoot()).toBe(process.cwd());
    expect(workerBundle('index', ENV)).toBe(join(process.cwd(), 'dist', 'worker', 'index.cjs'));
  });

  it('are the file the environment names, resolved against the working directory', () => {
    process.env[ENV] = 'package.json';
    expect(workerBundle('index', ENV)).toBe(join(process.cwd(), 'package.json'));
    expect(findWorkerBundle('index', ENV)).toBe(join(process.cwd(), 'package.json'));
  });

  it('are not found when the file is missing, whether named by the environment or not', () => {
    expect(findWorkerBundle('no-such-bundle', ENV)).toBeUndefined();
    process.env[ENV] = '/nonexistent/worker.cjs';
    expect(workerBundle('index', ENV)).toBe('/nonexistent/worker.cjs');
    expect(findWorkerBundle('index', ENV)).toBeUndefined();
  });
});
