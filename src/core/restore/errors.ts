// Errors the batch runner raises for problems the user can fix (folders, options).
export type RestoreErrorCode = 'BAD_FOLDERS' | 'NOT_A_FOLDER' | 'BAD_OPTIONS';

export class RestoreError extends Error {
  readonly code: RestoreErrorCode;
  constructor(code: RestoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestoreError';
    this.code = code;
  }
}
