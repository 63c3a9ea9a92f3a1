// One place that turns any failure from core into an ApiError with a stable code and a message
// that names the file and the problem. The CLI and the bridge then only need `errorKind(code)` to
// pick an exit status / HTTP status.
import { ApiError } from '../../shared/api';
import { isStorageFault, storageFaultText } from '../image/errors';

/** How a failure should be reported: the user's input was bad, something is missing, … */
export type ErrorKind = 'bad-input' | 'not-found' | 'cancelled' | 'internal';

/**
 * A refusal of a request's arguments themselves (folders that overlap, an output path that is a
 * file, a model of the wrong kind, a bad option) rather than of the files they name. API clients
 * see its code like any ApiError's; the CLI reports it as a usage error (exit status 2).
 */
export class ArgumentError extends ApiError {
  constructor(
    /** the argument refused, e.g. 'outputDir', 'suffix', 'base' */
    readonly argument: string,
    message: string,
    code = 'INVALID_INPUT',
  ) {
    super(code, message);
  }
}

/** Codes whose cause is the user's input (bad file, bad mask, refused write, unknown id …). */
const BAD_INPUT = new Set([
  'FILE_NOT_FOUND',
  'NOT_AN_IMAGE',
  'TRUNCATED',
  'TOO_LARGE',
  'UNSUPPORTED_FORMAT',
  'MASK_SIZE_MISMATCH',
  'EMPTY_MASK',
  'MASK_ALL_HOLE',
  'SOURCE_MASK_SIZE',
  'SOURCE_MASK_EMPTY',
  'SOURCE_MASK_NO_SOURCE',
  'SOURCE_MASK_ENGINE',
  'SOURCE_MASK_MODE',
  'WRITE_REFUSED',
  'PHOTO_NOT_FOUND',
  'EDIT_NOT_FOUND',
  'EDIT_OF_OTHER_PHOTO',
  'INVALID_INPUT',
  'CONFLICT',
  'LIBRARY_REFUSED',
  'FOLDER_NOT_FOUND',
  'FOLDER_UNREADABLE',
  // importing or choosing a model (issue 18)
  'NOT_A_MODEL_FILE',
  'NOT_AN_ONNX_MODEL',
  'MODEL_EXTERNAL_DATA',
  'MODEL_SIGNATURE',
  'MODEL_UNLOADABLE',
  'MODEL_DUPLICATE',
  'MODEL_NAME_TAKEN',
  'MODEL_KIND',
]);

/** The engine's source-area refusals keep their code (the app checks the same things first). */
const SOURCE_MASK_CODES = new Set(['SOURCE_MASK_SIZE', 'SOURCE_MASK_EMPTY', 'SOURCE_MASK_NO_SOURCE', 'SOURCE_MASK_ENGINE', 'SOURCE_MASK_MODE']);

export function errorKind(code: string): ErrorKind {
  if (code === 'CANCELLED') return 'cancelled';
  if (BAD_INPUT.has(code)) return 'bad-input';
  if (code === 'NOT_FOUND') return 'not-found';
  return 'internal';
}

interface CodedError {
  name: string;
  message: string;
  code?: unknown;
}

function asCoded(e: unknown): CodedError {
  if (e instanceof Error) return e as CodedError;
  return { name: 'Error', message: String(e) };
}

/**
 * Maps ImageError / InpaintError / StoreError / LibraryError / job errors to ApiError. Works by
 * name + code (not instanceof) because errors from a worker thread arrive re-created by the job
 * runner with their original name and code.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const err = asCoded(e);
  const code = typeof err.code === 'string' ? err.code : undefined;
  switch (err.name) {
    case 'AbortError':
      return new ApiError('CANCELLED', 'The job was cancelled');
    case 'ImageError':
      if (code === 'NOT_FOUND') return new ApiError('FILE_NOT_FOUND', err.message);
      if (code === 'IO_FAILED') return new ApiError('IO_ERROR', err.message);
      return new ApiError(code ?? 'NOT_AN_IMAGE', err.message);
    case 'InpaintError':
      if (code === 'ALL_HOLE') return new ApiError('MASK_ALL_HOLE', err.message);
      if (code === 'EMPTY_MASK' || code === 'MASK_SIZE_MISMATCH') return new ApiError(code, err.message);
      if (code !== undefined && SOURCE_MASK_CODES.has(code)) return new ApiError(code, err.message);
      return new ApiError('INPAINT_FAILED', err.message);
    case 'StoreError':
      if (code === 'NOT_FOUND') return new ApiError('NOT_FOUND', err.message);
      if (code === 'CONSTRAINT' || code === 'CONFLICT' || code === 'INVALID') return new ApiError('CONFLICT', err.message);
      if (code === 'CORRUPT') return new ApiError('LIBRARY_CORRUPT', err.message);
      return new ApiError('STORAGE_ERROR', `History database error: ${err.message}`);
    case 'LibraryError':
      if (code === 'NOT_FOUND') return new ApiError('NOT_FOUND', err.message);
      if (code === 'OUTSIDE_LIBRARY') return new ApiError('LIBRARY_REFUSED', err.message);
      return new ApiError('LIBRARY_ERROR', `Library error: ${err.message}`);
    case 'RestoreError':
      return new ApiError(code === 'NOT_A_FOLDER' ? 'FOLDER_NOT_FOUND' : 'INVALID_INPUT', err.message);
    case 'DatasetError':
      return new ApiError('INVALID_INPUT', err.message);
    case 'WorkerCrashError':
      return new ApiError('WORKER_CRASHED', err.message);
    default:
      if (code !== undefined && isStorageFault(code)) {
        const path = (e as { path?: unknown }).path;
        return new ApiError('IO_ERROR', `${typeof path === 'string' ? `${path}: ` : ''}${storageFaultText(code)} (${err.message})`);
      }
      return new ApiError('INTERNAL', err.message || 'Internal error');
  }
}
