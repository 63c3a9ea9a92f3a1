// One batch restoration from request to summary, shared by the service's startBatch (a background
// job, batch.ts) and `renovo restore` (in the foreground): the checks made before any work, the
// options with their wide model, and the executor. The batch core (src/core/restore/batch.ts)
// does the work.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ApiError } from '../../shared/api';
import type { Library } from '../library';
import {
  checkFolders,
  findRestoreWorker,
  inProcessExecutor,
  runBatch,
  scanFolder,
  threadExecutor,
  type BatchOptions,
  type BatchRunControls,
  type BatchSummary,
} from '../restore';
import type { Store } from '../store';
import { ArgumentError, toApiError } from './errors';
import { wideModelRef } from './inpainters';

/** An imported inpainting model by id (the app) or by name (the CLI). */
export type ModelRef = { modelId: number } | { modelName: string };

/** The batch core's options, with the wide model still a reference. */
export type BatchRequestOptions = Omit<BatchOptions, 'wideModel'> & { wideModel?: ModelRef };

export interface BatchRequest {
  inputDir: string;
  outputDir: string;
  options: BatchRequestOptions;
}

/** Canonical folders (symlinks resolved) that passed checkBatchRequest. */
export interface CheckedFolders {
  inputDir: string;
  outputDir: string;
  imageCount: number;
}

const SUFFIX_MAX_LENGTH = 64;

/**
 * The checks made before any work (and before the service hands out a job id); nothing is created.
 * Refused arguments first (ArgumentError: the name suffix, folders that overlap, an output path
 * that is a file), then the input: FOLDER_NOT_FOUND, or INVALID_INPUT when it holds no images.
 */
export async function checkBatchRequest(request: BatchRequest): Promise<CheckedFolders> {
  const suffix = request.options.suffix ?? '';
  if (/[\\/\0]/.test(suffix) || suffix.length > SUFFIX_MAX_LENGTH) {
    throw new ArgumentError('suffix', `the suffix must be a short name part (at most ${SUFFIX_MAX_LENGTH} characters) without path separators, got '${suffix}'`);
  }
  let folders: { inputDir: string; outputDir: string };
  try {
    folders = await checkFolders(request.inputDir, request.outputDir);
  } catch (e) {
    const refused = toApiError(e);
    throw new ArgumentError('outputDir', refused.message, refused.code);
  }
  if (statSync(folders.outputDir, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new ArgumentError('outputDir', `${request.outputDir} exists and is not a folder`);
  }
  let imageCount: number;
  try {
    imageCount = (await scanFolder(folders.inputDir)).files.length;
  } catch (e) {
    throw toApiError(e);
  }
  if (imageCount === 0) {
    throw new ApiError('INVALID_INPUT', `${request.inputDir}: no images found (JPEG, PNG, TIFF, WebP, AVIF; searched recursively)`);
  }
  return { ...folders, imageCount };
}

/** The batch core's options: the wide model resolved to its file and signature (MODEL_NOT_FOUND, MODEL_KIND). */
export function batchOptions(library: Library, options: BatchRequestOptions): BatchOptions {
  const { wideModel, ...rest } = options;
  return wideModel === undefined ? rest : { ...rest, wideModel: wideModelRef(library, wideModel) };
}

export interface RestoreFolderRun extends BatchRunControls {
  /**
   * The caller answers other requests meanwhile (the service): files run on worker threads even
   * one at a time when the bundled restore worker exists. Otherwise the batch core picks (one file
   * at a time runs in this thread).
   */
  background?: boolean;
}

/** Runs a checked batch to its end or its cancellation (summary.status 'cancelled'). */
export async function restoreFolder(store: Store, folders: CheckedFolders, options: BatchOptions, run: RestoreFolderRun = {}): Promise<BatchSummary> {
  const { background, ...controls } = run;
  const workers = run.workers ?? Math.min(2, availableParallelism());
  const script = background ? findRestoreWorker() : null;
  const executor = background ? (script ? threadExecutor(script, workers) : inProcessExecutor(workers)) : undefined;
  try {
    return await runBatch({ ...controls, inputDir: folders.inputDir, outputDir: folders.outputDir, options, store, workers, executor });
  } finally {
    await executor?.close().catch(() => undefined);
  }
}
