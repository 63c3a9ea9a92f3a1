// The learned detector as restoration runs it: the U-Net's mask (learned.ts) joined with the
// classical detector's (index.ts). Each finds what the other misses: the U-Net finds crack
// networks, scratches and flaking the top-hats cannot separate from texture; the top-hats find
// dust specks and faint creases, a pixel or two wide at full resolution, that the U-Net misses at
// its working scale. Measured on held-out synthetic damage (BENCHMARKS.md, issue 13): dust 44 % →
// 68 % of the damage removed, creases 71 % → 77 %, all kinds together 64 % → 75 %, for 0.13 % more
// of a clean photo flagged at the same U-Net threshold (which the join then let rise: learned.ts).
import type { ImageBuffer } from '../../image/types';
import { detectDamage, type DamageResult, type DetectOptions } from './index';
import { growIntoHalo } from './halo';
import { clearLitRims } from './rims';
import { clearCircleArcs } from './arcs';
import { detectLearned, thresholds, type DetectorModel } from './learned';

/**
 * The sensitivity the classical detector runs at, joined, for the user's `s`: half of it up to the
 * default, then up to 1 at 1 (the U-Net's is learnedSensitivity). Joined, each finds what the other
 * misses, so each can be stricter than alone; measured (eval.ts, session 10) at the user's default
 * 0.5: both at 0.5 flagged 0.60 % of clean photos and removed 71 % of synthetic damage, both at 0.25
 * 0.45 % (under the 0.5 % target) and 69 %.
 */
export function classicalSensitivity(s: number): number {
  const c = Math.min(1, Math.max(0, s));
  return c <= 0.5 ? c / 2 : 0.25 + 1.5 * (c - 0.5);
}

/**
 * The sensitivity the U-Net runs at for the user's `s`: 0.52 at the default 0.5 (seed 0.971), linear
 * to 0 at 0 and to 1 at 1. Since marks with look-alikes are left to the photo (lookalikes.ts), the
 * U-Net can seed lower than the classical detector's half: measured (eval.ts, session 12) against
 * 0.25 for both, clean photos 0.27 → 0.38 % flagged and synthetic damage removed 68.6 → 72.6 %
 * (0.55: 0.45 % and 75.2 %; both at 0.5: 0.38 % and 70.8 %).
 */
export function learnedSensitivity(s: number): number {
  const c = Math.min(1, Math.max(0, s));
  return c <= 0.5 ? 1.04 * c : 0.52 + 0.96 * (c - 0.5);
}

export async function detectCombined(image: ImageBuffer, model: DetectorModel, o: DetectOptions = {}): Promise<DamageResult> {
  const { width: W, height: H } = image;
  const user = o.sensitivity ?? 0.5;
  const learned = await detectLearned(image, model, { sensitivity: learnedSensitivity(user), signal: o.signal });
  // the halo is grown once, around the joined mask below
  const classical = detectDamage(image, { ...o, sensitivity: classicalSensitivity(user), halo: false });
  const mask = learned.mask;
  // wide damage (the U-Net's wide part, the classical tears when asked for) goes to the exemplar engine
  let wide: Uint8Array | null = learned.widePixels ? learned.wide : null;
  if (classical.tears) {
    wide ??= new Uint8Array(W * H);
    for (let i = 0; i < wide.length; i++) if (classical.tears[i]) wide[i] = 255;
  }
  const found = classical.mask.data;
  for (let i = 0; i < mask.length; i++) if (found[i]) mask[i] = 255;
  // the rims both detectors leave around a mark, which the repair would otherwise fill from (halo.ts)
  growIntoHalo(image, mask);
  // lit rims along an edge of the photo are the photo's (rims.ts)
  clearLitRims(image, mask, wide, W / learned.work.width);
  // …and so are arcs of circles the photo goes on drawing, whatever the tones beside them (arcs.ts)
  clearCircleArcs(image, mask, wide, W / learned.work.width);
  let pixels = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) pixels++;
  const thin = wide ? mask.map((v, i) => (wide && wide[i] ? 0 : v)) : mask;
  return {
    mask: { width: W, height: H, data: mask },
    thin,
    tears: wide,
    stats: {
      lines: classical.stats.lines,
      spots: classical.stats.spots + learned.regions,
      tears: classical.stats.tears + (learned.widePixels ? 1 : 0),
      pixels,
      fraction: pixels / (W * H),
      noiseSigma: classical.stats.noiseSigma,
      threshold: thresholds(learnedSensitivity(user)).hi,
    },
  };
}
