// Storage faults while writing (disk full, read-only, I/O error) are failures of the machine, not
// bad input: IO_FAILED naming the file, reported as exit 1 / HTTP 500 (issue 14.4).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorKind, toApiError } from '../app/errors';
import { ImageError } from './errors';

const fault = vi.hoisted(() => ({ code: '' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    const fh = await real.open(...args);
    if (fault.code && String(args[0]).endsWith('.tmp')) {
      fh.writeFile = async () => {
        throw Object.assign(new Error(`${fault.code}: simulated`), { code: fault.code });
      };
    }
    return fh;
  };
  return { ...real, open, default: { ...real, open } };
});

const { writeFileAtomic } = await import('./files');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-faults-'));
});
afterEach(async () => {
  fault.code = '';
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic on a failing disk', () => {
  it.each([
    ['ENOSPC', /disk is full/],
    ['EROFS', /read-only/],
    ['EIO', /I\/O error/],
  ])('%s is an I/O failure naming the file, not a refused write', async (code, text) => {
    fault.code = code;
    const target = join(dir, 'out.jpg');
    const e = await writeFileAtomic(target, Buffer.from('x')).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(ImageError);
    expect((e as ImageError).code).toBe('IO_FAILED');
    expect((e as ImageError).message).toContain(target);
    expect((e as ImageError).message).toMatch(text);
    const api = toApiError(e);
    expect(api.code).toBe('IO_ERROR');
    expect(errorKind(api.code)).toBe('internal'); // exit 1, HTTP 500
    expect(await readdir(dir)).toEqual([]); // no temp file left
  });

  it('a raw storage fault from elsewhere is an I/O error with its path too', () => {
    const raw = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/lib/outputs/ab.png' });
    const api = toApiError(raw);
    expect(api.code).toBe('IO_ERROR');
    expect(api.message).toMatch(/\/lib\/outputs\/ab\.png: the disk is full/);
  });
});
