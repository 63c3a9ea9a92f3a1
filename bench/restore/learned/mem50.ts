// Peak memory and time of restorePhoto with the learned detector on a 50-megapixel procedural
// print (8660×5773, sepia, damaged by the generator). Usage: node --expose-gc mem50.cjs; prints JSON.
import { generateDamage } from '../../../src/core/restore/damage/generate';
import { restorePhoto } from '../../../src/core/restore/pipeline';
import { synthPhoto } from '../../../test/fixtures/synth';

async function main(): Promise<void> {
  const W = 8660, H = 5773;
  const photo = generateDamage(synthPhoto(W, H, { seed: 3, tone: 'sepia', textures: false }), { seed: 4, kinds: ['cracks', 'scratches', 'dust'] });
  const fs = await import('node:fs');
  // the generator's own peak is not the pipeline's: reset the high-water mark (Linux clear_refs 5)
  (globalThis as { gc?: () => void }).gc?.();
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await restorePhoto(photo.image, { detector: 'learned' });
  const ms = performance.now() - t0;
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  console.log(JSON.stringify({ megapixels: (W * H) / 1e6, detector: r.stats.detector, flaggedPercent: r.stats.damage.fraction * 100, stageMs: r.stats.ms, totalMs: Math.round(ms), rssBeforeRestoreMB: Math.round(before / 2 ** 20), peakRssMB: Math.round(hwm) }));
}
void main();
