// createRenovoService: one function per ApiMethod over core. Inputs are already validated by the
// caller (main's IPC choke point or the bridge's parseApiCall); every failure leaves as an ApiError.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type ApiInput,
  type ApiMethod,
  type ApiOutputs,
  type EditDto,
  type EngineInfo,
  type JobEvent,
  type PhotoDto,
} from '../../shared/api';
import { decodeImage, encodeImage, probeImage } from '../image/io';
import type { ImageBuffer } from '../image/types';
import { listEngines } from '../inpaint';
import { isCancellation } from '../jobs';
import type { AppRunnerOptions } from './workers';
import { sha256Hex } from '../library';
import type { EditRow, PhotoRow } from '../store';
import { openAppContext, type AppContext } from './context';
import { deleteModelVersion, registerShippedModels } from './models';
import { importInpainter } from './inpainters';
import { toEditDto, toModelDto, toPhotoDto } from './dto';
import { toApiError } from './errors';
import { extensionFor, mimeFor, photoFilePath, photoName, readPhotoBytes, shaFromLibraryFile, stem } from './files';
import { inpaintModel, prepareMask, recordInpaintEdit, resolveInpaintModel, runInpaintJob } from './inpaint';
import { FillPreviews } from './fill-previews';
import { editFiles, removeUnreferenced } from './references';
import { checkSourceAreaEngine, nameSourceFailure, prepareSourceArea, recordedSourceArea } from './source-area';
import { storeImport } from './imports';
import { APP_VERSION } from './version';
import { BatchJobs, inspectFolder, type JobHost } from './batch';
import { TrainingJobs } from './training';

export type ServiceMethods = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

export interface RenovoService extends ServiceMethods {
  readonly libraryDir: string;
  /** Subscribe to job events; returns a disposer. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** Absolute path of a library-relative file; throws (LibraryError) for anything outside it. */
  resolveLibraryFile(rel: string): string;
  /** Cancels running jobs, waits for them to stop, closes workers and the database. */
  close(): Promise<void>;
}

export interface RenovoServiceOptions {
  libraryDir: string;
  host: 'desktop' | 'web';
  runner?: AppRunnerOptions;
  /** Register the shipped models found here (models/<name>/manifest.json) on open; see models.ts. */
  shippedModelsDir?: string | null;
}

interface RunningJob {
  controller: AbortController;
  finished: Promise<void>;
}

export async function createRenovoService(options: RenovoServiceOptions): Promise<RenovoService> {
  const ctx = await openAppContext(options.libraryDir, { runner: options.runner });
  if (options.shippedModelsDir) {
    try {
      registerShippedModels(ctx.library, options.shippedModelsDir);
    } catch (e) {
      console.error(`renovo: could not register shipped models from ${options.shippedModelsDir}: ${(e as Error).message}`);
    }
  }
  return new Service(ctx, options.host).api();
}

class Service {
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly jobs = new Map<string, RunningJob>();
  private closing = false;
  private readonly batches: BatchJobs;
  private readonly training: TrainingJobs;

  constructor(
    private readonly ctx: AppContext,
    private readonly host: 'desktop' | 'web',
  ) {
    // Batch and training jobs share the job table (cancelJob, close) and the event stream.
    const jobHost: JobHost = {
      ctx,
      emit: (event) => this.emit(event),
      track: (jobId, controller, finished) => {
        this.jobs.set(jobId, { controller, finished });
        void finished.finally(() => this.jobs.delete(jobId));
      },
    };
    this.batches = new BatchJobs(jobHost);
    this.training = new TrainingJobs(jobHost);
  }

  private get store() {
    return this.ctx.library.store;
  }

  /** The public object: every method maps its failures to ApiError. */
  api(): RenovoService {
    const wrap =
      <M extends ApiMethod>(fn: ServiceMethods[M]) =>
      async (input: ApiInput<M>): Promise<ApiOutputs[M]> => {
        if (this.closing) throw new ApiError('CLOSED', 'Renovo is shutting down');
        try {
          return await (fn as (i: ApiInput<M>) => Promise<ApiOutputs[M]>)(input);
        } catch (e) {
          throw toApiError(e);
        }
      };
    const methods: ServiceMethods = {
      getAppInfo: wrap<'getAppInfo'>(() => this.getAppInfo()),
      listPhotos: wrap<'listPhotos'>(() => this.listPhotos()),
      importPhoto: wrap<'importPhoto'>((i) => this.importPhoto(i)),
      getPhoto: wrap<'getPhoto'>((i) => this.photoDto(this.photo(i.photoId))),
      listEdits: wrap<'listEdits'>((i) => this.listEdits(i)),
      startInpaint: wrap<'startInpaint'>((i) => this.startInpaint(i)),
      cancelJob: wrap<'cancelJob'>(async (i) => this.cancelJob(i)),
      deleteEdit: wrap<'deleteEdit'>((i) => this.deleteEdit(i)),
      exportImage: wrap<'exportImage'>((i) => this.exportImage(i)),
      listModels: wrap<'listModels'>(async () => this.store.models.list().map((row) => toModelDto(row, this.ctx.library))),
      importModel: wrap<'importModel'>(async (i) => toModelDto(await importInpainter(this.ctx.library, { source: { bytes: i.bytes, fileName: i.fileName }, preset: i.preset, custom: i.custom, name: i.name }), this.ctx.library)),
      deleteModel: wrap<'deleteModel'>(async (i) => {
        const row = this.store.models.get(i.modelId);
        if (!row) throw new ApiError('MODEL_NOT_FOUND', `Model version ${i.modelId} does not exist`);
        const batch = this.batches.usingModel(row.id);
        if (batch) throw new ApiError('CONFLICT', `${row.name} v${row.version} is filling wide damage in the running batch ${batch}; delete it when that batch has finished or was cancelled`);
        const deleted = toModelDto(row, this.ctx.library); // as it was: its encoder file goes with it
        deleteModelVersion(this.ctx.library, row);
        return { deleted };
      }),
      getPreviewBytes: wrap<'getPreviewBytes'>((i) => this.previewBytes(i)),
      getEditMask: wrap<'getEditMask'>(async (i) => this.editMask(i)),
      // The folder picker lives in the desktop app's main process (src/main/index.ts answers it).
      chooseFolder: wrap<'chooseFolder'>(async () => {
        throw new ApiError('UNSUPPORTED', 'The folder picker exists only in the desktop app; type the folder path instead');
      }),
      inspectFolder: wrap<'inspectFolder'>((i) => inspectFolder(i)),
      startBatch: wrap<'startBatch'>((i) => this.batches.start(i)),
      pauseBatch: wrap<'pauseBatch'>(async (i) => this.batches.pause(i)),
      resumeBatch: wrap<'resumeBatch'>(async (i) => this.batches.resume(i)),
      listBatches: wrap<'listBatches'>(async () => this.batches.list()),
      getBatchReport: wrap<'getBatchReport'>((i) => this.batches.report(i)),
      listBatchResults: wrap<'listBatchResults'>((i) => this.batches.results(i)),
      rerunBatchFile: wrap<'rerunBatchFile'>((i) => this.batches.rerunFile(i)),
      // Like the folder picker, a file manager window is the desktop app's (src/main/index.ts).
      openBatchOutput: wrap<'openBatchOutput'>(async () => {
        throw new ApiError('UNSUPPORTED', 'Opening a folder exists only in the desktop app; the output folder is shown above');
      }),
      startTraining: wrap<'startTraining'>((i) => this.training.start(i)),
      pauseTraining: wrap<'pauseTraining'>(async (i) => this.training.pause(i)),
      resumeTraining: wrap<'resumeTraining'>(async (i) => this.training.resume(i)),
      listTrainingRuns: wrap<'listTrainingRuns'>(async () => this.training.list()),
      getTrainingSample: wrap<'getTrainingSample'>(async (i) => this.training.sample(i)),
    };
    return {
      ...methods,
      libraryDir: this.ctx.libraryDir,
      onJobEvent: (listener) => {
        this.listeners.add(listener);
        return () => void this.listeners.delete(listener);
      },
      resolveLibraryFile: (rel) => this.ctx.library.resolve(rel),
      close: () => this.close(),
    };
  }

  // ---- queries ----

  private async getAppInfo(): Promise<ApiOutputs['getAppInfo']> {
    const engines: EngineInfo[] = listEngines().map((e) => ({ id: e.id, label: e.label, description: e.description }));
    return { version: APP_VERSION, libraryDir: this.ctx.libraryDir, engines, host: this.host };
  }

  private async listPhotos(): Promise<PhotoDto[]> {
    const out: PhotoDto[] = [];
    for (const row of this.store.photos.list()) out.push(await this.photoDto(row));
    return out;
  }

  private async listEdits(input: ApiInput<'listEdits'>): Promise<EditDto[]> {
    this.photo(input.photoId);
    const out: EditDto[] = [];
    for (const row of this.store.edits.listForPhoto(input.photoId)) out.push(await this.editDto(row));
    return out;
  }

  private photo(id: number): PhotoRow {
    const row = this.store.photos.get(id);
    if (!row) throw new ApiError('PHOTO_NOT_FOUND', `Photo ${id} does not exist`);
    return row;
  }

  private edit(id: number, photoId?: number): EditRow {
    const row = this.store.edits.get(id);
    if (!row) throw new ApiError('EDIT_NOT_FOUND', `Edit ${id} does not exist`);
    if (photoId !== undefined && row.photoId !== photoId) {
      throw new ApiError('EDIT_OF_OTHER_PHOTO', `Edit ${id} belongs to photo ${row.photoId}, not to photo ${photoId}`);
    }
    return row;
  }

  private async photoDto(row: PhotoRow): Promise<PhotoDto> {
    const preview = await this.ctx.previews.ensure(row.sha256, () => readPhotoBytes(this.ctx.library, row), photoName(row));
    return toPhotoDto(row, preview);
  }

  private async editDto(row: EditRow): Promise<EditDto> {
    const load = async (): Promise<Uint8Array> => this.ctx.library.readBytes(row.outputFile);
    const sha = shaFromLibraryFile(row.outputFile) ?? sha256Hex(this.ctx.library.readBytes(row.outputFile));
    return toEditDto(row, await this.ctx.previews.ensure(sha, load, row.outputFile));
  }

  // ---- import ----

  private async importPhoto(input: ApiInput<'importPhoto'>): Promise<PhotoDto> {
    const bytes = input.bytes;
    // Decode fully (not just the header): a truncated file must be refused before it is stored.
    const { meta } = await decodeImage(bytes, { name: input.name });
    const sha256 = sha256Hex(bytes);
    const existing = this.store.photos.findBySha(sha256);
    if (existing) return this.photoDto(existing);
    const rel = await storeImport(this.ctx.library, bytes, sha256, input.name, extensionFor(meta.format));
    const row = this.store.photos.add({
      path: rel,
      sha256,
      byteSize: bytes.byteLength,
      width: meta.width,
      height: meta.height,
      format: meta.format,
    });
    return this.photoDto(row);
  }

  // ---- inpainting ----

  private async startInpaint(input: ApiInput<'startInpaint'>): Promise<{ jobId: string }> {
    const photo = this.photo(input.photoId);
    const parent = input.parentEditId === null ? null : this.edit(input.parentEditId, photo.id);
    // Everything that can be wrong with the input is checked before a job id is handed out.
    const image = await this.loadSource(photo, parent);
    const mask = await prepareMask(input.mask, image, 'mask', input.dilate);
    if (input.sourceArea) checkSourceAreaEngine(input.engine);
    const sourceArea = input.sourceArea ? await prepareSourceArea(input.sourceArea.mask, mask.mask, 'source area', input.sourceArea.mode) : null;
    const settings = { engine: input.engine, blend: input.blend, dilate: input.dilate, seed: input.seed, modelId: input.modelId, gan: input.gan };
    const model = resolveInpaintModel(this.ctx.library, settings); // gan-zopt: MODEL_REQUIRED / MODEL_NOT_FOUND before a job id

    const jobId = randomUUID();
    const controller = new AbortController();
    const signal = controller.signal;
    const previews = new FillPreviews((event) => this.emit({ jobId, ...event }));
    const finished = (async () => {
      try {
        const run = await runInpaintJob(this.ctx.runner, image, mask.mask, settings, {
          signal,
          onProgress: (fraction, message) => this.emit({ jobId, type: 'progress', fraction, message }),
          onPreview: (p) => previews.add(p),
        }, { model: model && inpaintModel(this.ctx.library, model), sourceArea })
          .catch((e: unknown) => {
            throw sourceArea ? nameSourceFailure(e, 'source area') : e;
          })
          .finally(() => previews.close()); // no preview after the job's done, failed or cancelled event
        if (signal.aborted) throw new ApiError('CANCELLED', 'cancelled');
        const row = await recordInpaintEdit(this.ctx.library, { photo: photo.id, parentId: parent?.id ?? null, mask, run, settings, sourceArea });
        if (signal.aborted) {
          // Cancelled while the result was being stored: undo, so a cancelled job writes nothing.
          const rows = this.store.edits.deleteSubtree(row.id);
          await removeUnreferenced(this.ctx.library, rows.flatMap(editFiles));
          throw new ApiError('CANCELLED', 'cancelled');
        }
        this.emit({ jobId, type: 'done', edit: await this.editDto(row) });
      } catch (e) {
        if (signal.aborted || isCancellation(e)) this.emit({ jobId, type: 'cancelled' });
        else this.emit({ jobId, type: 'failed', error: toApiError(e).message });
      } finally {
        this.jobs.delete(jobId);
      }
    })();
    this.jobs.set(jobId, { controller, finished });
    return { jobId };
  }

  /** Pixels an edit starts from: the original, or the parent edit's output. */
  private async loadSource(photo: PhotoRow, parent: EditRow | null): Promise<ImageBuffer> {
    if (parent) {
      const bytes = await this.ctx.library.readBytes(parent.outputFile);
      return (await decodeImage(bytes, { name: parent.outputFile })).image;
    }
    const bytes = await readPhotoBytes(this.ctx.library, photo);
    return (await decodeImage(bytes, { name: photoFilePath(this.ctx.library, photo) })).image;
  }

  private cancelJob(input: ApiInput<'cancelJob'>): { cancelled: boolean } {
    const job = this.jobs.get(input.jobId);
    if (!job || job.controller.signal.aborted) return { cancelled: false };
    job.controller.abort();
    return { cancelled: true };
  }

  // ---- history ----

  private async deleteEdit(input: ApiInput<'deleteEdit'>): Promise<{ deletedEditIds: number[] }> {
    this.edit(input.editId);
    const rows = this.store.edits.deleteSubtree(input.editId);
    await removeUnreferenced(this.ctx.library, rows.flatMap(editFiles));
    return { deletedEditIds: rows.map((r) => r.id) };
  }

  // ---- pixels for the editor (object tool, reusing a mask) ----

  private async previewBytes(input: ApiInput<'getPreviewBytes'>): Promise<ApiOutputs['getPreviewBytes']> {
    const photo = this.photo(input.photoId);
    const dto = input.editId === null ? await this.photoDto(photo) : await this.editDto(this.edit(input.editId, photo.id));
    return { mime: 'image/webp', bytes: asBytes(this.ctx.library.readBytes(dto.previewFile)) };
  }

  private editMask(input: ApiInput<'getEditMask'>): ApiOutputs['getEditMask'] {
    const edit = this.edit(input.editId);
    if (input.layer === 'source') {
      const source = recordedSourceArea(edit.params);
      if (!source) throw new ApiError('EDIT_WITHOUT_MASK', `Edit ${edit.id} has no source area`);
      return { mime: 'image/png', bytes: asBytes(this.ctx.library.readBytes(source.maskFile)) };
    }
    if (!edit.maskFile) throw new ApiError('EDIT_WITHOUT_MASK', `Edit ${edit.id} has no mask`);
    return { mime: 'image/png', bytes: asBytes(this.ctx.library.readBytes(edit.maskFile)) };
  }

  // ---- export ----

  private async exportImage(input: ApiInput<'exportImage'>): Promise<ApiOutputs['exportImage']> {
    const photo = this.photo(input.photoId);
    const original = await readPhotoBytes(this.ctx.library, photo);
    let image: ImageBuffer;
    if (input.editId === null) {
      image = (await decodeImage(original, { name: photoName(photo) })).image;
    } else {
      const edit = this.edit(input.editId, photo.id);
      image = (await decodeImage(await this.ctx.library.readBytes(edit.outputFile), { name: edit.outputFile })).image;
    }
    // The original's EXIF/ICC/XMP travel with the exported pixels.
    const bytes = await encodeImage(image, { format: input.format, quality: input.quality, metadataFrom: original });
    await probeImage(bytes, 'export'); // sanity: we never hand out an unreadable file
    return {
      fileName: `${stem(photoName(photo))}-renovo.${extensionFor(input.format)}`,
      mime: mimeFor(input.format),
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    };
  }

  // ---- events & lifecycle ----

  private emit(event: JobEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A broken listener must not break the job or the other listeners.
      }
    }
  }

  private async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const running = [...this.jobs.values()];
    for (const j of running) j.controller.abort();
    await Promise.all(running.map((j) => j.finished));
    this.listeners.clear();
    await this.ctx.close();
  }
}

function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
