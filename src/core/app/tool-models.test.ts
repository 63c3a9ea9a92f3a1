import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readShippedToolModels } from './models';
import { MANIFEST_FORMAT } from '../train/ship';

describe('shipped tool models (the damage detector)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renovo-tools-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists non-generator manifests with their kind, architecture and steps; skips DCGANs and broken manifests', () => {
    const put = (name: string, m: unknown): void => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
    };
    put('damage-unet', { format: 'renovo-detector-model/1', name: 'damage-unet', kind: 'damage-detector', architecture: { spec: { arch: 'unet-seg' } }, training: { steps: 2200 }, createdAt: 'today' });
    put('gan', { format: MANIFEST_FORMAT, name: 'gan', kind: 'x' });
    put('broken', '{ not json');
    expect(readShippedToolModels(dir)).toEqual([{ dir: join(dir, 'damage-unet'), name: 'damage-unet', kind: 'damage-detector', arch: 'unet-seg', steps: 2200, createdAt: 'today' }]);
    expect(readShippedToolModels(join(dir, 'missing'))).toEqual([]);
  });
});
