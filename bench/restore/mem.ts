// Peak memory of one 50-megapixel scan through restoreFile (decode → restore → encode → thumbs),
// run in a fresh process so maxRSS belongs to it alone. Reference in the same run: the same file
// decoded and re-encoded only (mode "io"), i.e. the floor any pipeline pays.
// Usage: node mem.mjs FILE restore|io
import { readFile } from 'node:fs/promises';
import { decodeImage, encodeImage } from '../../src/core/image';
import { restoreFile } from '../../src/core/restore/file';

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  const t0 = performance.now();
  let info: Record<string, unknown> = {};
  if (mode === 'io') {
    const bytes = await readFile(file);
    const { image } = await decodeImage(bytes, { name: file });
    const out = await encodeImage(image, { format: 'jpeg', metadataFrom: bytes });
    info = { width: image.width, height: image.height, outBytes: out.length };
  } else {
    const r = await restoreFile({ inputPath: file, outputPath: file.replace(/\.jpg$/, '_out.jpg'), options: { sensitivity: 0.5 } });
    info = { width: r.width, height: r.height, outBytes: r.bytes.length, damage: r.stats.damage, ms: r.stats.ms };
  }
  const ms = performance.now() - t0;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ mode, ...info, totalMs: Math.round(ms), peakRssMB: Math.round(peakRssMB) }) + "\n");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
