// The scan's frame is not damage. Shared by the classical detector (on its line candidates) and the
// learned one (on its working-scale regions).

/** Where a tile lies in the image (for the frame rule). */
export interface TilePlace { x0: number; y0: number; W: number; H: number }

/**
 * The scan's frame — the film rebate, the print's border, the scanner bed's edge — is a dark or
 * bright stripe along an image edge, which top-hats see as a line. Filling it paints picture into
 * the frame (measured on a real film scan: −7.6 dB against the expert's restoration). Returns the
 * blob's pixels less those in a stripe of `band` px along an edge that the blob follows for at
 * least `minRun` px; a scratch that runs into the frame keeps its own pixels.
 */
export function withoutFrame(pixels: Int32Array, w: number, at: TilePlace, band: number, minRun: number): Int32Array {
  // per edge (top, bottom, left, right): the extent along it of the pixels within the band
  const lo = [Infinity, Infinity, Infinity, Infinity], hi = [-1, -1, -1, -1];
  const near = (q: number, f: (e: number, along: number) => void): void => {
    const x = (q % w) + at.x0, y = ((q / w) | 0) + at.y0;
    if (y < band) f(0, x);
    if (y >= at.H - band) f(1, x);
    if (x < band) f(2, y);
    if (x >= at.W - band) f(3, y);
  };
  for (const q of pixels) near(q, (e, a) => { if (a < lo[e]) lo[e] = a; if (a > hi[e]) hi[e] = a; });
  const frame = lo.map((l, e) => hi[e] - l + 1 >= minRun);
  if (!frame.some(Boolean)) return pixels;
  return pixels.filter((q) => {
    let onFrame = false;
    near(q, (e) => { if (frame[e]) onFrame = true; });
    return !onFrame;
  });
}
