// The packaged app's hardening: Electron fuses in electron-builder.yml (and in the packaged binary
// when one has been built here), and DevTools only outside packaged builds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { windowWebPreferences } from './window-options';

const ROOT = join(__dirname, '..', '..');
/** FuseState.ENABLE ('1'), which @electron/fuses does not export. */
const FUSE_ENABLED = 49;

/** The flat `key: true|false` block under a top-level key of the YAML file. */
function booleanBlock(yaml: string, key: string): Record<string, boolean> | undefined {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => l === `${key}:`);
  if (at < 0) return undefined;
  const out: Record<string, boolean> = {};
  for (const line of lines.slice(at + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^\s+(\w+):\s*(true|false)\s*(#.*)?$/.exec(line);
    if (!m) break;
    out[m[1]] = m[2] === 'true';
  }
  return out;
}

const WANTED = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

describe('electron-builder.yml', () => {
  const yaml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; cookie encryption, asar integrity, asar only', () => {
    expect(booleanBlock(yaml, 'electronFuses')).toEqual(WANTED);
    expect(yaml).toMatch(/^asar: true$/m); // onlyLoadAppFromAsar needs the app in an asar archive
  });

  // Only where `npm run dist` has produced a Linux build (the Electron binary cannot be fetched here).
  const binary = join(ROOT, 'release', 'linux-unpacked', 'renovo');
  it.skipIf(!existsSync(binary))('the packaged binary carries those fuses (@electron/fuses read)', async () => {
    const wire = await getCurrentFuseWire(binary);
    const on = (o: FuseV1Options): boolean => wire[o] === FUSE_ENABLED;
    expect(on(FuseV1Options.RunAsNode)).toBe(false);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
  });
});

describe('window webPreferences', () => {
  it('keeps the renderer locked down and DevTools out of packaged builds', () => {
    const packaged = windowWebPreferences('/app/preload.cjs', true);
    expect(packaged).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false });
    expect(windowWebPreferences('/app/preload.cjs', false).devTools).toBe(true);
  });
});
