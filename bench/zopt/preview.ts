// How soon the editor shows a GAN removal's instant preview (issue 17): through the service, as the
// editor calls it (startInpaint → job worker → fill-preview event), with the shipped landscape
// model and its z-encoder. Per run: ms from startInpaint to the first fill-preview event and to
// done. Photos: skimage's (shipped by Debian's python3-skimage), as they are and enlarged to
// 2000 px wide; one centre hole of 5 % of the photo; the first run warms the worker and is dropped.
//
//   npx esbuild bench/zopt/preview.ts --bundle --platform=node --format=cjs --packages=external --outfile=bench/out/preview.cjs
//   npx esbuild src/core/app/workers/job-worker.ts --bundle --platform=node --format=cjs --packages=external --outfile=bench/out/job-worker.cjs
//   node bench/out/preview.cjs [runs=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRenovoService } from '../../src/core/app/service';
import type { JobEvent } from '../../src/shared/api';
import { SKIMAGE } from './holes';

const RUNS = Number(process.argv[2] ?? 5);
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'renovo-preview-bench-'));
  const service = await createRenovoService({ libraryDir: join(dir, 'lib'), host: 'desktop', runner: { size: 1, workerPath: join(__dirname, 'job-worker.cjs') }, shippedModelsDir: join(__dirname, '../../models') });
  try {
    const model = (await service.listModels({})).find((m) => m.name === 'landscape-dcgan64');
    if (!model) throw new Error('the shipped landscape-dcgan64 model is not registered');
    // the running job's events, timed as they arrive
    let onEvent: (e: JobEvent, at: number) => void = () => {};
    service.onJobEvent((e) => onEvent(e, performance.now()));
    const rows: string[] = [];
    for (const [name, width] of [['coffee.png', 0], ['astronaut.png', 0], ['coffee.png', 2000], ['astronaut.png', 2000]] as const) {
      let img = sharp(join(SKIMAGE, name)).removeAlpha();
      if (width) img = img.resize({ width });
      const bytes = await img.png().toBuffer();
      const photo = await service.importPhoto({ name: `${width || 'orig'}-${name}`, bytes: new Uint8Array(bytes) });
      const { width: W, height: H } = photo;
      const side = Math.round(Math.sqrt(0.05 * W * H));
      const m = Buffer.alloc(W * H);
      for (let y = (H - side) >> 1; y < ((H - side) >> 1) + side; y++) m.fill(255, y * W + ((W - side) >> 1), y * W + ((W - side) >> 1) + side);
      const mask = new Uint8Array(await sharp(m, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
      const toPreview: number[] = [], toDone: number[] = [];
      for (let r = 0; r <= RUNS; r++) {
        let preview = NaN;
        const t0 = performance.now();
        const done = new Promise<number>((resolve, reject) => {
          onEvent = (e, at) => {
            if (e.type === 'fill-preview' && Number.isNaN(preview)) preview = at - t0;
            if (e.type === 'done') resolve(at - t0);
            if (e.type === 'failed') reject(new Error(e.error));
          };
        });
        await service.startInpaint({ photoId: photo.id, parentEditId: null, mask, engine: 'gan-zopt', blend: 'normal', dilate: 0, modelId: model.id, seed: r + 1 });
        const doneMs = await done;
        if (r === 0) continue; // the worker's first run loads and compiles the model
        toPreview.push(preview);
        toDone.push(doneMs);
      }
      rows.push(`| ${name} ${W}×${H} | ${side}×${side} | ${median(toPreview).toFixed(0)} (${Math.min(...toPreview).toFixed(0)}–${Math.max(...toPreview).toFixed(0)}) | ${median(toDone).toFixed(0)} (${Math.min(...toDone).toFixed(0)}–${Math.max(...toDone).toFixed(0)}) |`);
      console.log(rows.at(-1));
    }
    console.log(`\n| photo | hole | ms to the preview: median (range) | ms to done: median (range) |\n|---|---|---|---|\n${rows.join('\n')}\n(${RUNS} runs each after a warm-up run)`);
  } finally {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => { console.error(e); process.exit(1); });
