// Imported models read from their library file once per worker (by sha256) and checked against the
// hash recorded at import, so a file changed on disk is refused instead of run.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { InpaintError } from '../errors';
import type { OnnxInpainter } from './engine';
import type { InpainterSignature } from './signature';

const loaded = new Map<string, Promise<OnnxInpainter>>();
/** Models kept per worker: LaMa is 208 MB, so only the last two. */
const KEEP = 2;

export function loadOnnxInpainter(ref: { sha256: string; file: string; signature: InpainterSignature }): Promise<OnnxInpainter> {
  let p = loaded.get(ref.sha256);
  if (!p) {
    p = readFile(ref.file).then((b) => {
      const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256) {
        throw new InpaintError('MODEL_FILE_CHANGED', `inpaint (onnx): ${ref.file} no longer matches the sha256 recorded when it was imported; import the model again`);
      }
      return { sha256: ref.sha256, bytes, signature: ref.signature };
    });
    p.catch(() => loaded.delete(ref.sha256));
    loaded.set(ref.sha256, p);
    while (loaded.size > KEEP) loaded.delete(loaded.keys().next().value as string);
  }
  return p;
}
