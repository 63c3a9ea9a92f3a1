import type { ApiErrorPayload } from '../../../shared/contract';
import { ApiError } from '../../../shared/contract';

export function isErrorPayload(value: unknown): value is ApiErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === 'string' &&
    typeof (value as Record<string, unknown>).message === 'string'
  );
}

/** Normalise whatever a transport rejected with into an ApiError (stable code + readable message). */
export function rejectionToApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isErrorPayload(reason)) return new ApiError(reason.code, reason.message);
  if (reason instanceof Error) {
    // Errors that crossed Electron's contextBridge lose custom fields; keep the message readable.
    const message = reason.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '');
    return new ApiError('INTERNAL', message || 'Unexpected error');
  }
  return new ApiError('INTERNAL', String(reason));
}

/** Human-readable text for a failure, for banners and toasts. */
export function describeError(reason: unknown): string {
  const error = rejectionToApiError(reason);
  return error.message;
}
