// 8-connected flood fill, the one connected-component walk: core labels mask holes and damage
// blobs with it, the renderer keeps the clicked object. Pure, no dependencies.

/**
 * Visits the 8-connected component of `start` among the non-zero pixels of `inside` (a w×h
 * plane), depth-first: marks each pixel in `seen` and calls `visit(p, x, y)` once for it. Pixels
 * already marked in `seen` are not entered, so one `seen` shared across calls labels a whole
 * image. Returns the number of pixels visited (0 when `start` is outside or already seen).
 */
export function floodFill8(
  inside: ArrayLike<number>,
  width: number,
  height: number,
  start: number,
  seen: Uint8Array,
  visit?: (p: number, x: number, y: number) => void,
): number {
  if (!inside[start] || seen[start]) return 0;
  // the stack grows on demand, so memory follows the component, not the image
  let stack = new Int32Array(Math.min(width * height, 1024));
  let sp = 0;
  let count = 0;
  stack[sp++] = start;
  seen[start] = 1;
  while (sp > 0) {
    const p = stack[--sp];
    const x = p % width;
    const y = (p - x) / width;
    count++;
    visit?.(p, x, y);
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        const q = yy * width + xx;
        if (inside[q] && !seen[q]) {
          seen[q] = 1;
          if (sp === stack.length) {
            const grown = new Int32Array(Math.min(width * height, stack.length * 2));
            grown.set(stack);
            stack = grown;
          }
          stack[sp++] = q;
        }
      }
    }
  }
  return count;
}
