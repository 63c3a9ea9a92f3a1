// Helpers shared by the store tests (not part of the store's API).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'renovo-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const fakeSha = (seed: string): string => createHash('sha256').update(seed).digest('hex');

export const photo = (seed: string) => ({
  path: `/photos/${seed}.jpg`,
  sha256: fakeSha(seed),
  byteSize: 1234,
  width: 640,
  height: 480,
  format: 'jpeg',
});
