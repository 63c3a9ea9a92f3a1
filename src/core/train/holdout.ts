/**
 * A deterministic held-out split of an image folder: a file is held out when the first 32 bits of
 * sha256(its relative path) fall below `percent`% of the range. The rule needs no list to be stored
 * and gives the same split on any machine, so the trainer can leave those images out and a
 * benchmark can evaluate on exactly them (bench/zopt).
 */
import { createHash } from 'node:crypto';

const HOLDOUT_RULE = 'sha256(relative path, forward slashes) first 4 bytes as uint32 < percent/100 × 2^32';

export function isHeldOut(relativePath: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  const h = createHash('sha256').update(relativePath).digest();
  return h.readUInt32BE(0) < (percent / 100) * 2 ** 32;
}

export interface HoldoutSplit {
  percent: number;
  rule: string;
  /** Relative paths of the held-out images, sorted. */
  files: string[];
}

/** Splits sorted relative paths into (kept, held out). */
export function splitHoldout(files: string[], percent: number): { kept: string[]; held: HoldoutSplit | null } {
  if (!(percent > 0)) return { kept: files, held: null };
  if (percent >= 100) throw new RangeError(`holdout percent must be below 100 (got ${percent})`);
  const kept: string[] = [];
  const held: string[] = [];
  for (const f of files) (isHeldOut(f, percent) ? held : kept).push(f);
  return { kept, held: { percent, rule: HOLDOUT_RULE, files: held } };
}
