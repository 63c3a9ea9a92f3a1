// Errors a job can end with, as seen by the caller of JobRunner.run.
import { CodedError } from '../../shared/errors';
import type { SerializedError } from './protocol';

/** The job was cancelled (its signal fired). name 'AbortError', like fetch. */
export class JobCancelledError extends Error {
  constructor(message = 'The job was cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

/**
 * A task failed inside the worker. The original error's name and code are kept (e.g. an
 * ImageError with code 'EMPTY_MASK' arrives as name 'ImageError', code 'EMPTY_MASK'), so callers
 * can map it exactly as if it had been thrown in-thread.
 */
export class JobFailedError extends Error {
  readonly code?: string;
  readonly file?: string;
  readonly originalName: string;
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name || 'Error';
    this.originalName = this.name;
    if (e.code !== undefined) this.code = e.code;
    if (e.file !== undefined) this.file = e.file;
  }
}

/** The worker itself died (crash, out of memory) or could not be started. */
export class WorkerCrashError extends CodedError<'WORKER_CRASHED'> {
  override readonly name = 'WorkerCrashError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKER_CRASHED', message, options);
  }
}

export function isCancellation(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
