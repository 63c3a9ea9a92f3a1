// Object tool quality and speed (issue 15.10): COCO silhouettes from ../shared/data/silhouettes,
// filled with texture from another Kodak photo and pasted on a Kodak photo; one click at the
// object's deepest interior point. IoU against the silhouette for the old colour region growing
// (editor defaults) and GrabCut from the click, and from a dragged box. The working image is the
// editor's: the photo at 1024 px wide. Nothing is written but the printed table.
//   npx esbuild bench/editor/object-iou.ts --bundle --platform=node --format=esm --packages=external --outfile=bench/out/object-iou.mjs && node bench/out/object-iou.mjs [N]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { growRegion, type WorkingImage } from '../../src/renderer/lib/region';
import { segmentObject } from '../../src/renderer/lib/segment/grabcut';

const DATA = join(process.cwd(), '..', 'shared', 'data');
const W = 1024;
const H = 683;
const count = Number(process.argv[2] ?? 48);

async function rgba(path: string): Promise<Uint8ClampedArray> {
  const { data } = await sharp(path).resize(W, H, { fit: 'fill' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
}

/** The silhouette scaled so its longer side is `side` px, as a 0/1 map placed at (ox, oy). */
async function silhouette(path: string, side: number, ox: number, oy: number): Promise<Uint8Array> {
  const img = sharp(path).resize(side, side, { fit: 'inside' }).greyscale();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(W * H);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const X = ox + x, Y = oy + y;
      if (X < W && Y < H && data[y * info.width + x]! > 127) out[Y * W + X] = 1;
    }
  }
  return out;
}

/** The interior point farthest from the background (two-pass chamfer distance). */
function deepestPoint(m: Uint8Array): { x: number; y: number } {
  const d = new Float32Array(W * H);
  for (let i = 0; i < d.length; i++) d[i] = m[i] ? 1e9 : 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (x > 0) d[i] = Math.min(d[i]!, d[i - 1]! + 1);
    if (y > 0) d[i] = Math.min(d[i]!, d[i - W]! + 1);
  }
  let best = 0;
  for (let y = H - 1; y >= 0; y--) for (let x = W - 1; x >= 0; x--) {
    const i = y * W + x;
    if (x < W - 1) d[i] = Math.min(d[i]!, d[i + 1]! + 1);
    if (y < H - 1) d[i] = Math.min(d[i]!, d[i + W]! + 1);
    if (d[i]! > d[best]!) best = i;
  }
  return { x: best % W, y: Math.floor(best / W) };
}

function bbox(m: Uint8Array): { x: number; y: number; width: number; height: number } {
  let x0 = W, y0 = H, x1 = 0, y1 = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (m[y * W + x]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const pad = 10;
  return { x: x0 - pad, y: y0 - pad, width: x1 - x0 + 1 + 2 * pad, height: y1 - y0 + 1 + 2 * pad };
}

function iou(sel: Uint8Array, truth: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < truth.length; i++) {
    if (sel[i] && truth[i]) inter++;
    if (sel[i] || truth[i]) union++;
  }
  return union ? inter / union : 0;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

const kodak = readdirSync(join(DATA, 'kodak')).filter((f) => f.endsWith('.png')).sort();
const sils = readdirSync(join(DATA, 'silhouettes')).filter((f) => f.endsWith('.png')).sort();
const rows: { old: number; click: number; box: number; tClick: number; tBox: number; oldCover: number }[] = [];
for (let s = 0; s < count; s++) {
  const silFile = sils[(s * 37) % sils.length]!;
  const photo = await rgba(join(DATA, 'kodak', kodak[s % kodak.length]!));
  const donor = await rgba(join(DATA, 'kodak', kodak[(s * 7 + 5) % kodak.length]!));
  const side = Math.round(H * (0.3 + 0.4 * ((s * 0.618) % 1)));
  const ox = Math.round((W - side) * ((s * 0.377) % 1));
  const oy = Math.round((H - side) * ((s * 0.733) % 1));
  const truth = await silhouette(join(DATA, 'silhouettes', silFile), side, ox, oy);
  const data = new Uint8ClampedArray(photo);
  for (let i = 0; i < truth.length; i++) if (truth[i]) for (let c = 0; c < 3; c++) data[i * 4 + c] = donor[i * 4 + c]!;
  const img: WorkingImage = { width: W, height: H, data };
  const click = deepestPoint(truth);
  const old = growRegion(img, click.x, click.y, { tolerance: 30, grow: 2 });
  let t = performance.now();
  const byClick = segmentObject(img, { seed: click });
  const tClick = performance.now() - t;
  t = performance.now();
  const byBox = segmentObject(img, { seed: click, box: bbox(truth) });
  const tBox = performance.now() - t;
  const empty = new Uint8Array(W * H);
  const row = {
    old: iou(old?.selected ?? empty, truth), click: iou(byClick?.selected ?? empty, truth), box: iou(byBox?.selected ?? empty, truth),
    tClick, tBox, oldCover: (old?.count ?? 0) / (W * H),
  };
  rows.push(row);
  console.log(`${silFile.padEnd(40)} old ${row.old.toFixed(3)}  click ${row.click.toFixed(3)}  box ${row.box.toFixed(3)}  ${tClick.toFixed(0)} / ${tBox.toFixed(0)} ms`);
}
const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
console.log(`\n${rows.length} objects on ${W}x${H} Kodak composites`);
console.log(`IoU mean/median   old region growing ${mean(col('old')).toFixed(3)} / ${median(col('old')).toFixed(3)}`);
console.log(`                  GrabCut, click     ${mean(col('click')).toFixed(3)} / ${median(col('click')).toFixed(3)}`);
console.log(`                  GrabCut, box       ${mean(col('box')).toFixed(3)} / ${median(col('box')).toFixed(3)}`);
console.log(`IoU >= 0.8        old ${col('old').filter((v) => v >= 0.8).length}, click ${col('click').filter((v) => v >= 0.8).length}, box ${col('box').filter((v) => v >= 0.8).length} of ${rows.length}`);
console.log(`time ms median/max  click ${median(col('tClick')).toFixed(0)} / ${Math.max(...col('tClick')).toFixed(0)}   box ${median(col('tBox')).toFixed(0)} / ${Math.max(...col('tBox')).toFixed(0)}`);
console.log(`old tool: selection over 30 % of the photo in ${col('oldCover').filter((v) => v > 0.3).length} cases`);
