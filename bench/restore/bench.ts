// Batch restoration benchmark (issue 8). Three measurements, medians over RUNS:
//  1. throughput on 3000×2000 scans: runBatch with 2 worker threads and with 2 in-process lanes,
//     against references in the same run (1 file at a time in-process, and an I/O-only pass:
//     decode + encode with 2 at once);
//  2. peak memory on a 50-megapixel scan (separate processes: restore vs decode+encode only);
//  3. detection precision/recall on the synthetic set with ground truth (2 px tolerance), plus
//     the fraction flagged on the same photos without damage.
// Usage: node bench.mjs WORK_DIR RUNS          (DETECTOR=classical: the batch uses the classical damage detector
//   alone; default: the learned one, as a new batch does)
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeImage, encodeImage } from '../../src/core/image';
import { openStore } from '../../src/core/store';
import { DEFAULT_DETECTOR, runBatch, inProcessExecutor, threadExecutor } from '../../src/core/restore';
import { detectDamage } from '../../src/core/restore/detect/index';
import { addDamage, maskScores, synthPhoto } from '../../test/fixtures/synth';

const DETECTOR = process.env.DETECTOR === 'classical' ? 'classical' : DEFAULT_DETECTOR;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function throughput(work: string, runs: number): Promise<Record<string, unknown>> {
  const scans = join(work, 'scans');
  const files = (await readdir(scans)).filter((f) => f.endsWith('.jpg'));
  const worker = join(work, 'restore-worker.cjs');
  const perMin = (n: number, ms: number): number => (n * 60_000) / ms;
  const res: Record<string, number[]> = { threads2: [], inproc2: [], inproc1: [], io2: [] };
  // CPU seconds per image (all threads of this process: main, workers, libvips) — independent of
  // how busy the machine is; 2 cores / cpuPerImage is what two dedicated cores would deliver
  const cpu: Record<string, number[]> = { threads2: [], inproc2: [], inproc1: [], io2: [] };
  const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const perImage: Record<string, number[]> = { detect: [], repair: [], tone: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of ['threads2', 'inproc2', 'inproc1'] as const) {
      const out = join(work, `out-${mode}-${r}`);
      await rm(out, { recursive: true, force: true });
      const store = openStore(':memory:');
      const executor = mode === 'threads2' ? threadExecutor(worker, 2) : inProcessExecutor(mode === 'inproc2' ? 2 : 1);
      const c0 = cpuNow();
      const t0 = performance.now();
      const s = await runBatch({ inputDir: scans, outputDir: out, store, executor, options: { sensitivity: 0.5, detector: DETECTOR } });
      if (DETECTOR === 'learned' && s.report) {
        // the batch falls back to the classical detector when the model is missing: say so, do not time it
        const used = (JSON.parse(await readFile(s.report.json, 'utf8')) as { detector?: { used?: { learned?: number } } }).detector?.used?.learned ?? 0;
        if (used !== files.length) throw new Error(`${mode}: the learned detector ran on ${used}/${files.length} files`);
      }
      const ms = performance.now() - t0;
      await executor.close();
      store.close();
      if (s.done !== files.length) throw new Error(`${mode}: ${s.done}/${files.length} done; errors ${JSON.stringify(s.errors)}`);
      res[mode].push(perMin(files.length, ms));
      cpu[mode].push((cpuNow() - c0) / files.length);
      await rm(out, { recursive: true, force: true });
      process.stdout.write(`  run ${r + 1} ${mode}: ${res[mode][res[mode].length - 1].toFixed(1)} images/min\n`);
    }
    // I/O floor: decode + encode (with metadata) only, two at a time
    const c0 = cpuNow();
    const t0 = performance.now();
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      for (;;) {
        const f = files[next++];
        if (!f) return;
        const bytes = await readFile(join(scans, f));
        const { image } = await decodeImage(bytes, { name: f });
        await encodeImage(image, { format: 'jpeg', metadataFrom: bytes });
      }
    }));
    res.io2.push(perMin(files.length, performance.now() - t0));
    cpu.io2.push((cpuNow() - c0) / files.length);
  }
  // stage timings per image, measured in-process on 3 files
  const { restorePhoto } = await import('../../src/core/restore/pipeline');
  for (const f of files.slice(0, 3)) {
    const { image } = await decodeImage(await readFile(join(scans, f)), { name: f });
    const r = await restorePhoto(image, { sensitivity: 0.5 });
    perImage.detect.push(r.stats.ms.detect);
    perImage.repair.push(r.stats.ms.repair);
    perImage.tone.push(r.stats.ms.tone);
  }
  return {
    files: files.length,
    imagesPerMinute: { threads2: median(res.threads2), inproc2: median(res.inproc2), inproc1: median(res.inproc1), ioOnly2: median(res.io2) },
    cpuSecondsPerImage: { threads2: median(cpu.threads2), inproc2: median(cpu.inproc2), inproc1: median(cpu.inproc1), ioOnly2: median(cpu.io2) },
    projectedPerMinuteOn2FreeCores: { threads2: 120 / median(cpu.threads2), ioOnly2: 120 / median(cpu.io2) },
    all: res,
    stageMsMedian: { detect: median(perImage.detect), repair: median(perImage.repair), tone: median(perImage.tone) },
  };
}

function memory(work: string): Record<string, unknown> {
  const file = join(work, 'big', 'scan_50mp.jpg');
  const run = (mode: string): Record<string, unknown> =>
    JSON.parse(execFileSync(process.execPath, [join(work, 'mem.mjs'), file, mode], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!) as Record<string, unknown>;
  const io = run('io');
  const restore = run('restore');
  return { io, restore };
}

function detection(): Record<string, unknown> {
  const W = 1500, H = 1000;
  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  const out: Record<string, unknown> = {};
  for (const s of [0.3, 0.5, 0.7]) {
    const P: number[] = [], R: number[] = [], PS: number[] = [], RS: number[] = [], clean: number[] = [], ms: number[] = [];
    for (const seed of seeds) {
      const tone = seed % 6 === 4 ? 'mono' : seed % 6 === 5 ? 'sepia' : 'colour';
      const photo = synthPhoto(W, H, { seed: 3000 + seed, tone });
      const d = addDamage(photo, { seed: 4000 + seed, scratches: 4, dust: 30 });
      const t0 = performance.now();
      const found = detectDamage(d.image, { sensitivity: s });
      ms.push(performance.now() - t0);
      const tol = maskScores(found.mask.data, d.mask, W, H, 2);
      const strict = maskScores(found.mask.data, d.mask, W, H, 0);
      P.push(tol.precision); R.push(tol.recall); PS.push(strict.precision); RS.push(strict.recall);
      clean.push(detectDamage(photo, { sensitivity: s }).stats.fraction);
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    out[`s${s}`] = {
      precision: { mean: mean(P), median: median(P), min: Math.min(...P) },
      recall: { mean: mean(R), median: median(R), min: Math.min(...R) },
      strictPixel: { precision: mean(PS), recall: mean(RS) },
      cleanFlagged: { mean: mean(clean), max: Math.max(...clean) },
      detectMsMedian: median(ms),
    };
  }
  // tears (optional detector)
  const TP: number[] = [], TR: number[] = [], TC: number[] = [];
  for (const seed of seeds) {
    const photo = synthPhoto(W, H, { seed: 3000 + seed });
    const d = addDamage(photo, { seed: 5000 + seed, scratches: 2, dust: 10, tear: true });
    const found = detectDamage(d.image, { detectTears: true });
    const sc = maskScores(found.tears ?? new Uint8Array(W * H), d.tears, W, H, 2);
    TP.push(sc.precision); TR.push(sc.recall);
    TC.push(detectDamage(photo, { detectTears: true }).stats.fraction);
  }
  out.tears = { precisionMedian: median(TP), recallMedian: median(TR), found: TR.filter((r) => r > 0.5).length, of: seeds.length, cleanFlaggedMax: Math.max(...TC), cleanOver1pct: TC.filter((c) => c >= 0.01).length };
  return out;
}

async function main(): Promise<void> {
  const [work, runsArg, only] = process.argv.slice(2);
  const runs = Number(runsArg ?? 3);
  await mkdir(work, { recursive: true });
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgAtStart: loadavg().map((v) => +v.toFixed(2)) },
  };
  if (!only || only === 'detect') { console.log('== detection'); result.detection = detection(); }
  if (!only || only === 'throughput') { console.log('== throughput'); result.throughput = await throughput(work, runs); }
  if (!only || only === 'memory') { console.log('== memory'); result.memory = memory(work); }
  result.loadavgAtEnd = loadavg().map((v) => +v.toFixed(2));
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
