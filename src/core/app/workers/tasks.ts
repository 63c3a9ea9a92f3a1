// The app's task kinds: what a job worker (job-worker.ts, bundled to dist/worker/index.cjs) runs
// for the service. To add a kind: its types here, its handler in handlers.ts.
import type { ImageBuffer, MaskBuffer } from '../../image/types';
import type { BlendMode, EngineChoice, SourceAreaMode } from '../../../shared/api';
import type { TrainTask } from '../../train/task';
import type { EncoderSource } from '../../train/zencoder';
import type { FillPreview, GanHoleReport, GanParams } from '../../inpaint/gan';
import type { InpainterSignature, OnnxCropReport } from '../../inpaint/imported';

export interface InpaintTaskInput {
  image: ImageBuffer;
  mask: MaskBuffer;
  engine: EngineChoice;
  blend: BlendMode;
  seed?: number;
  /** Where the fill may (include) or may not (exclude) copy from; engines auto/patchmatch only. */
  sourceArea?: { mask: MaskBuffer; mode: SourceAreaMode };
  /** engine 'gan-zopt': the model version's file (read and compiled once per `key` in each worker) and the parameters. */
  gan?: GanTaskInput;
  /** engine 'onnx': the imported model's file (read and compiled once per sha256 in each worker) and its signature. */
  onnx?: OnnxTaskInput;
}

export interface OnnxTaskInput {
  sha256: string;
  /** Absolute path of the model version's .onnx file in the library. */
  file: string;
  signature: InpainterSignature;
}

export interface GanTaskInput {
  /** Identity of the weights, e.g. `<model version id>:<sha256>`. */
  key: string;
  /** Absolute path of the model version's file (safetensors with G and D, see train/modelfile.ts). */
  file: string;
  params: GanParams;
  /** The version's z-encoder (a shipped model's folder, or the file its fine-tune adapted): it starts the z-search when it was trained against this version's G. */
  encoder?: EncoderSource;
}

export interface InpaintTaskOutput {
  image: ImageBuffer;
  /** The engine that actually ran ('auto' resolved). */
  engine: string;
  /** Number of separate holes filled. */
  holes: number;
  /** engine 'gan-zopt': the parameters used (defaults filled in), the execution provider and per-hole results. */
  gan?: { params: Required<GanParams>; provider: string; reports: GanHoleReport[] };
  /** engine 'onnx': the execution provider and what each crop was fed. */
  onnx?: { provider: string; crops: OnnxCropReport[] };
}

export type AppTasks = {
  /** events: gan-zopt's instant G(E(x)) fill of each hole, before its search runs */
  inpaint: { input: InpaintTaskInput; output: InpaintTaskOutput; event: FillPreview };
  /** GAN training / fine-tuning (src/core/train/task.ts; recorded in the store by train/job.ts). */
  train: TrainTask;
};
