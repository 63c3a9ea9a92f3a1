// Kill the batch mid-run (SIGKILL, worker threads running), start it again: it finishes without
// redoing completed files, without duplicates, and the input folder is byte-for-byte unchanged.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store';
import type { BatchSummary } from './batch';
import { REPORT_DIR } from './report';
import { hashTree, makeScanFolder } from '../../../test/fixtures/restore';

const repo = resolve(__dirname, '../../..');
let bundleDir: string;
let child: string;
let worker: string;

beforeAll(async () => {
  // bundles live under the repo's node_modules so their external packages resolve
  await mkdir(join(repo, 'node_modules', '.cache'), { recursive: true });
  bundleDir = await mkdtemp(join(repo, 'node_modules', '.cache', 'renovo-restore-test-'));
  child = join(bundleDir, 'child.cjs');
  worker = join(bundleDir, 'restore-worker.cjs');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, packages: 'external' as const, logLevel: 'warning' as const, target: 'node20' };
  await build({ ...common, entryPoints: [join(repo, 'test', 'fixtures', 'batch-child.ts')], outfile: child });
  await build({ ...common, entryPoints: [join(__dirname, '..', 'app', 'workers', 'restore-worker.ts')], outfile: worker });
});

afterAll(async () => {
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

interface RunOutcome { code: number | null; signal: string | null; lines: string[]; stderr: string }

function runChild(args: string[], killAfterFirstDone: boolean): Promise<RunOutcome> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (killAfterFirstDone && line.startsWith('ITEM done')) p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    p.on('error', reject);
    p.on('close', (code, signal) => resolvePromise({ code, signal, lines, stderr }));
  });
}

async function listOutputs(dir: string): Promise<string[]> {
  return Object.keys(await hashTree(dir))
    .map((p) => p.split('\\').join('/'))
    .filter((p) => !p.startsWith(REPORT_DIR + '/'))
    .sort();
}

describe('batch kill and resume', () => {
  it('SIGKILL after the first file, then resume: completes, no redo, no duplicates, input unchanged', async () => {
    const root = await mkdtemp(join(tmpdir(), 'renovo-kill-'));
    try {
      const inDir = join(root, 'in');
      const outDir = join(root, 'out');
      const db = join(root, 'history.db');
      const good = await makeScanFolder(inDir, { good: 8, bad: true, size: [320, 240] });
      const inputBefore = await hashTree(inDir);
      const args = [inDir, outDir, db, '2', worker];

      const first = await runChild(args, true);
      expect(first.signal).toBe('SIGKILL');
      expect(first.lines.some((l) => l.startsWith('SUMMARY'))).toBe(false);
      // what the killed run had committed
      const store1 = openStore(db);
      const job = store1.batches.list()[0];
      expect(job.status).toBe('running');
      const doneBefore = store1.batches.items(job.id, 'done');
      const total = store1.batches.items(job.id).length;
      store1.close();
      expect(doneBefore.length).toBeGreaterThanOrEqual(1);
      expect(doneBefore.length).toBeLessThan(good.length);
      const statsBefore = await Promise.all(doneBefore.map((i) => stat(i.outputPath)));

      const second = await runChild(args, false);
      expect(second.code, second.stderr).toBe(0);
      const summary = JSON.parse(second.lines.find((l) => l.startsWith('SUMMARY'))!.slice(8)) as BatchSummary;
      expect(summary.resumed).toBe(true);
      expect(summary.batchId).toBe(job.id);
      expect(summary.status).toBe('done');
      expect(summary.executor).toBe('threads');
      expect(summary.done).toBe(good.length);
      expect(summary.failed).toBe(3);
      // nothing done before the kill was processed again
      expect(summary.processedThisRun + summary.recovered).toBe(total - doneBefore.length);
      const redone = second.lines.filter((l) => doneBefore.some((d) => l === `ITEM done ${JSON.stringify(d.relPath)}`));
      expect(redone).toEqual([]);
      const statsAfter = await Promise.all(doneBefore.map((i) => stat(i.outputPath)));
      statsAfter.forEach((s, k) => {
        expect(s.ino).toBe(statsBefore[k].ino);
        expect(s.mtimeMs).toBe(statsBefore[k].mtimeMs);
      });

      // exactly one output per good input, no temp files, one row per file
      const outs = await listOutputs(outDir);
      expect(outs.filter((p) => !p.startsWith('.renovo-batch'))).toEqual(good.map((r) => r.replace(/\.(jpg|png)$/, '_restored.$1')).sort());
      const walk = async (d: string): Promise<string[]> => (await readdir(d, { recursive: true })).map(String);
      expect((await walk(outDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const store2 = openStore(db);
      const rows = store2.batches.items(job.id);
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((r) => r.relPath)).size).toBe(total);
      expect(store2.batches.list()).toHaveLength(1);
      expect(store2.batches.get(job.id)!.status).toBe('done');
      store2.close();

      expect(await hashTree(inDir)).toEqual(inputBefore);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
