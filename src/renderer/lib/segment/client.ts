// Runs segmentObject in a web worker (one, started on first use); where workers are unavailable it
// runs inline so the tool still works.
import type { Region, WorkingImage } from '../region';
import { segmentObject, type SegmentOptions } from './grabcut';
import type { SegmentReply, SegmentRequest } from './protocol';

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: Region | null) => void; reject: (e: Error) => void }>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'renovo-segment' });
    worker.onmessage = (event: MessageEvent<SegmentReply>) => {
      const p = pending.get(event.data.id);
      if (!p) return;
      pending.delete(event.data.id);
      if (event.data.error) p.reject(new Error(event.data.error));
      else p.resolve(event.data.region);
    };
    worker.onerror = (event) => {
      for (const p of pending.values()) p.reject(new Error(event.message || 'segmentation worker failed'));
      pending.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

export function segmentInWorker(image: WorkingImage, options: SegmentOptions): Promise<Region | null> {
  const w = getWorker();
  if (!w) return Promise.resolve(segmentObject(image, options));
  const id = nextId++;
  const request: SegmentRequest = { id, image: { width: image.width, height: image.height, data: image.data }, options };
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage(request); // the working image is cached by the editor: copied, not transferred
  });
}
