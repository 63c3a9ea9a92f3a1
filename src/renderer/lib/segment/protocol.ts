// Messages between the object tool and its segmentation worker.
import type { Region, WorkingImage } from '../region';
import type { SegmentOptions } from './grabcut';

export interface SegmentRequest {
  id: number;
  image: WorkingImage;
  options: SegmentOptions;
}

export interface SegmentReply {
  id: number;
  region: Region | null;
  error?: string;
}
