// Web worker: the object tool's segmentation off the UI thread.
import { segmentObject } from './grabcut';
import type { SegmentReply, SegmentRequest } from './protocol';

self.onmessage = (event: MessageEvent<SegmentRequest>) => {
  const { id, image, options } = event.data;
  let reply: SegmentReply;
  try {
    const region = segmentObject(image, options);
    reply = { id, region };
  } catch (error) {
    reply = { id, region: null, error: error instanceof Error ? error.message : String(error) };
  }
  const transfer = reply.region ? [reply.region.selected.buffer as ArrayBuffer] : [];
  (self as unknown as Worker).postMessage(reply, transfer);
};
